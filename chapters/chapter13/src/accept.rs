//! The accept loop of chapter 10, with one change that matters: it no longer serves
//! a connection itself, it starts a thread that does.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use webcore::Router;
use webcore::connection::{ConnectionOptions, serve_connection};
use webcore::shutdown::Shutdown;

use webcore::accept::{accept_next, say};

// ANCHOR: accept_loop
/// Accepts connections until `shutdown` is requested, starting a thread for each, then
/// closes the listener and gives the threads still busy up to `drain` to finish.
/// Returns an error only when the listening socket itself is broken.
pub fn serve(
    listener: TcpListener,
    router: Arc<Router>,
    options: ConnectionOptions,
    shutdown: &Shutdown,
    drain: Duration,
) -> io::Result<()> {
    let busy = Busy::default();
    let mut accepted: u64 = 0;
    while let Some((stream, peer)) = accept_next(&listener, shutdown)? {
        accepted += 1;
        say(format_args!("{peer} -> worker {accepted}"));
        if let Err(e) = spawn_worker(accepted, stream, peer, &router, options, &busy) {
            // Out of threads (EAGAIN) or memory. The stream was dropped with the
            // closure, which closes it: this client sees a reset, the rest go on.
            say(format_args!("no thread for {peer} ({e}); closed it"));
            thread::sleep(Duration::from_millis(50));
        }
    }
    // Stop accepting first (closing the listener), then drain: a new client is refused
    // at once instead of waiting in a backlog nobody will read.
    drop(listener);
    busy.drain(drain);
    Ok(())
}
// ANCHOR_END: accept_loop

// ANCHOR: spawn_worker
/// Starts thread `worker id` to serve one connection, and returns at once.
fn spawn_worker(
    id: u64,
    stream: TcpStream,
    peer: SocketAddr,
    router: &Arc<Router>,
    options: ConnectionOptions,
    busy: &Busy,
) -> io::Result<()> {
    // The thread may outlive this call, so it owns everything it touches: the stream,
    // a clone of the `Arc` (not the router: every thread shares one), a copy of the
    // options, and a ticket that counts it as busy until it ends.
    let router = Arc::clone(router);
    let ticket = busy.ticket();
    thread::Builder::new()
        .name(format!("worker {id}"))
        .spawn(move || {
            let outcome = serve_connection(stream, &router, &options);
            webcore::log::line(format_args!("worker {id}: {peer} {outcome:?}"));
            drop(ticket);
        })
        // Nobody joins the thread: it ends when its connection does. Dropping the
        // `JoinHandle` detaches it.
        .map(drop)
}
// ANCHOR_END: spawn_worker

// ANCHOR: busy
/// Counts the worker threads still running, so shutdown can wait for them.
#[derive(Debug, Default, Clone)]
struct Busy(Arc<AtomicUsize>);

/// Held by one worker thread. Dropping it (when the thread ends, even by a panic
/// unwinding through it) counts the thread out.
struct Ticket(Arc<AtomicUsize>);

impl Busy {
    fn ticket(&self) -> Ticket {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ticket(Arc::clone(&self.0))
    }

    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// Waits until no worker is left, or `limit` passes.
    fn drain(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        if self.count() > 0 {
            say(format_args!(
                "waiting up to {limit:?} for {} workers",
                self.count()
            ));
        }
        while self.count() > 0 && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        match self.count() {
            0 => say(format_args!("stopped")),
            n => say(format_args!("stopped; {n} workers did not finish in time")),
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: busy

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_that_panics_is_counted_out_and_the_spawner_goes_on() {
        let busy = Busy::default();
        let ticket = busy.ticket();
        let crashed = thread::Builder::new()
            .name("worker 1".into())
            .spawn(move || {
                let _ticket = ticket;
                panic!("a bug in one worker");
            })
            .unwrap();
        // The panic ends that thread only; here it arrives as a value, if we ask.
        assert!(crashed.join().is_err());
        assert_eq!(busy.count(), 0, "the unwinding thread dropped its ticket");
        let ticket = busy.ticket();
        let fine = thread::spawn(move || {
            let _ticket = ticket;
            "served"
        });
        assert_eq!(fine.join().unwrap(), "served");
        assert_eq!(busy.count(), 0);
    }
}
