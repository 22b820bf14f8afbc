//! Chapter 13: a thread per connection. Chapter 10's accept loop stops serving clients
//! itself: it hands each connection to a new thread and goes straight back to
//! `accept`, so a slow request no longer holds up everyone behind it.
//!
//! Log lines say who speaks: `server:` is the accepting thread, `worker N:` the thread
//! that served connection N (panics name it too: "thread 'worker 7' panicked").
#![forbid(unsafe_code)]

mod accept;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use webcore::Router;
use webcore::cli::{DrainArgs, ServerArgs, TimeoutArgs};

/// Serve the site with a new thread for every connection, until a signal.
#[derive(Parser, Debug)]
#[command(name = "chapter13", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    timeouts: TimeoutArgs,
    #[command(flatten)]
    drain: DrainArgs,
}

// ANCHOR: main
fn main() -> ExitCode {
    let args = Args::parse();
    webcore::cli::exit_code(serve(&args))
}

fn serve(args: &Args) -> Result<(), String> {
    // No cap here: every connection gets a thread, and a file descriptor. Ask for room
    // for the seed's 10,000 (and say so if the system will not give it).
    webcore::fd_limit::raise_open_files(10_000);
    // One router for every thread: `Arc` shares it, and it is only ever read.
    let router = Arc::new(Router::site(&args.server.root).with_slow_routes());
    let options = args.timeouts.connection_options();
    // Bind, catch SIGINT/SIGTERM, print the ready line: chapter 10's start, unchanged.
    let (listener, shutdown) = webcore::ready::listen_with_shutdown(args.server.addr)?;
    accept::serve(
        listener,
        router,
        options,
        &shutdown,
        args.drain.drain_timeout(),
    )
    .map_err(|e| format!("the listening socket failed: {e}"))
}
// ANCHOR_END: main
