//! Chapter 14: a bounded thread pool. Chapter 13 started a thread for every
//! connection, as many as clients cared to open. Here a fixed number of workers take
//! connections from a bounded queue; when the queue is full, the accept loop answers
//! 503 itself. Memory and threads stay bounded whatever the clients do.
#![forbid(unsafe_code)]

mod accept;
mod pool;

use std::process::ExitCode;
use std::thread;

use clap::Parser;
use webcore::Router;
use webcore::accept::say;
use webcore::cli::{DrainArgs, ServerArgs, TimeoutArgs};
use webcore::connection::serve_connection;

use crate::pool::{Locking, Pool};

/// Serve the site with a fixed pool of worker threads and a bounded queue, until a
/// signal.
#[derive(Parser, Debug)]
#[command(name = "chapter14", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    timeouts: TimeoutArgs,
    /// Worker threads: how many requests are served at once.
    #[arg(long, value_name = "N", default_value_t = default_threads(),
          value_parser = clap::value_parser!(u16).range(1..=4096))]
    threads: u16,
    /// Connections that may wait for a free worker; one more gets 503.
    // 128: more than the 100 clients of a load tool's `-c 100`, so a burst that the
    // workers clear in milliseconds is served, not refused (64 turned away 5-15% of
    // it), and short enough that behind eight sleeping workers the wait stays under a
    // second. The page has the numbers.
    #[arg(long, value_name = "Q", default_value_t = 128,
          value_parser = clap::value_parser!(u32).range(0..=100_000))]
    queue: u32,
    #[command(flatten)]
    drain: DrainArgs,
    /// WRONG ON PURPOSE, for chapter 14's demonstration: workers keep the queue locked
    /// while serving, so only one request is served at a time.
    #[arg(long)]
    lock_held_during_job: bool,
}

/// Connections that may wait in the kernel to be accepted (Linux caps it at
/// `net.core.somaxconn`, 4096 on recent kernels).
const BACKLOG: i32 = 4096;

/// Four workers per core: enough that a few slow or idle clients do not stop the
/// server on a small machine. The page explains how to choose better for a workload.
fn default_threads() -> u16 {
    let cores = thread::available_parallelism().map_or(1, usize::from);
    u16::try_from(cores * 4).unwrap_or(u16::MAX).min(4096)
}

// ANCHOR: main
fn main() -> ExitCode {
    let args = Args::parse();
    webcore::cli::exit_code(serve(&args))
}

fn serve(args: &Args) -> Result<(), String> {
    let router = Router::site(&args.server.root).with_slow_routes();
    let options = args.timeouts.connection_options();
    let locking = if args.lock_held_during_job {
        say(format_args!(
            "--lock-held-during-job: serving one request at a time ON PURPOSE"
        ));
        Locking::HeldDuringJob
    } else {
        Locking::WhileReceiving
    };
    // Every worker runs this on each connection it takes. The closure owns the router
    // and the pool shares the closure, so no `Arc` is needed here.
    let handler = move |(stream, _peer): accept::Connection| {
        serve_connection(stream, &router, &options);
    };
    let threads = usize::from(args.threads);
    let pool = Pool::new(threads, args.queue as usize, locking, handler)
        .map_err(|e| format!("cannot start {threads} worker threads: {e}"))?;
    // A burst of clients connects faster than one thread accepts (and turns away)
    // connections; std's backlog of 128 would drop the rest. Chapter 15 explains.
    let (listener, shutdown) =
        webcore::ready::listen_with_shutdown_and_backlog(args.server.addr, BACKLOG)?;
    say(format_args!(
        "{} workers, room for {} waiting",
        pool.live_workers(),
        args.queue
    ));
    let served = accept::serve(&listener, &pool, &shutdown);
    // Stop accepting first (closing the listener), then drain: new clients are
    // refused at once instead of waiting in a backlog nobody will read.
    drop(listener);
    let stuck = pool.shutdown(args.drain.drain_timeout());
    served.map_err(|e| format!("the listening socket failed: {e}"))?;
    match stuck {
        0 => say(format_args!("stopped; every worker joined")),
        n => say(format_args!(
            "stopped; {n} workers were still busy at the drain timeout"
        )),
    }
    Ok(())
}
// ANCHOR_END: main
