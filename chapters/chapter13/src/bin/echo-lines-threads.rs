//! Seed 004's echo protocol with this chapter's one idea: a thread per client. The
//! accept loop hands each client to a new thread and goes straight back to `accept`,
//! so a client that takes 10 s holds up nobody. At most `--max-clients` threads run;
//! past that, new clients wait in the kernel's backlog until one leaves (the seed's
//! gevent `Pool(10000)`).
//!
//! ```text
//! cargo run --release -p chapter13 --bin echo-lines-threads
//! cargo run --release -p chapter17 --bin echo-lines-load -- 127.0.0.1:1234
//! ```
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;

use clap::Parser;
use webcore::echo::{self, CapArgs, EchoArgs};

/// Echo every line with the one before it, a thread per client.
#[derive(Parser, Debug)]
#[command(name = "echo-lines-threads", version)]
struct Args {
    #[command(flatten)]
    echo: EchoArgs,
    #[command(flatten)]
    cap: CapArgs,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // A thread and a file descriptor per client: ask for room for the cap.
    webcore::fd_limit::raise_open_files(u64::from(args.cap.max_clients));
    webcore::cli::exit_code(serve(&args))
}

// ANCHOR: thread_per_client
/// Accepts clients for ever, each on a thread of its own, never more than the cap at
/// once. Only a broken listening socket ends it.
fn serve(args: &Args) -> Result<(), String> {
    let listener = args.echo.listen()?;
    let places = Places::new(args.cap.max_clients());
    let idle = args.echo.idle();
    loop {
        // Wait for a free place *before* accepting: past the cap, clients queue in
        // the kernel's backlog instead of costing us a thread.
        let place = places.take();
        let (stream, peer) =
            echo::accept(&listener).map_err(|e| format!("the listening socket failed: {e}"))?;
        webcore::log::event(&peer.to_string(), "connected");
        let spawned = thread::Builder::new()
            .name(format!("client {peer}"))
            .spawn(move || {
                echo::serve_client(stream, peer, idle);
                // The place comes back when the client leaves, however it leaves.
                drop(place);
            });
        if let Err(e) = spawned {
            // The closure, and the stream and place in it, were dropped: the client
            // sees a close, its place is free, and the others go on.
            webcore::log::event(&peer.to_string(), &format!("no thread ({e}): closed"));
        }
    }
}
// ANCHOR_END: thread_per_client

// ANCHOR: places
/// The cap: how many clients may be served at once, as a count of free places.
#[derive(Clone)]
struct Places(Arc<(Mutex<usize>, Condvar)>);

/// One taken place. Dropping it (when the client's thread ends, even by a panic
/// unwinding through it) gives it back and wakes the accept loop if it waits.
struct Place(Places);

impl Places {
    fn new(count: usize) -> Places {
        Places(Arc::new((Mutex::new(count), Condvar::new())))
    }

    /// Blocks until a place is free, and takes it.
    fn take(&self) -> Place {
        let (free, freed) = &*self.0;
        let mut free = freed
            .wait_while(lock(free), |free| *free == 0)
            .unwrap_or_else(PoisonError::into_inner);
        *free -= 1;
        Place(self.clone())
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let (free, freed) = &*(self.0).0;
        *lock(free) += 1;
        freed.notify_one();
    }
}

/// The count stays right even if a thread panicked while holding the lock: it only
/// ever changes by one, inside the lock.
fn lock(free: &Mutex<usize>) -> MutexGuard<'_, usize> {
    free.lock().unwrap_or_else(PoisonError::into_inner)
}
// ANCHOR_END: places
