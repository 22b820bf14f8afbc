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
use std::time::Duration;

use clap::Parser;
use webcore::Router;
use webcore::cli::{ServerArgs, TimeoutArgs};
use webcore::connection::ConnectionOptions;

/// Serve the site with a new thread for every connection, until a signal.
#[derive(Parser, Debug)]
#[command(name = "chapter13", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    timeouts: TimeoutArgs,
    /// After SIGINT/SIGTERM, how many seconds the requests in flight get to finish
    /// before the server exits anyway.
    #[arg(long = "drain-timeout", value_name = "SECS", default_value_t = 15)]
    drain_timeout_secs: u64,
}

// ANCHOR: main
fn main() -> ExitCode {
    let args = Args::parse();
    // No cap here: every connection gets a thread, and a file descriptor. Ask for room
    // for the seed's 10,000 (and say so if the system will not give it).
    webcore::fd_limit::raise_open_files(10_000);
    // One router for every thread: `Arc` shares it, and it is only ever read.
    let router = Arc::new(Router::site(&args.server.root).with_slow_routes());
    let options = ConnectionOptions {
        idle_timeout: args.timeouts.idle_timeout(),
        ..ConnectionOptions::default()
    };
    // Bind, catch SIGINT/SIGTERM, print the ready line: chapter 10's start, unchanged.
    let (listener, shutdown) = webcore::ready::listen_with_shutdown(args.server.addr);
    let drain = Duration::from_secs(args.drain_timeout_secs);
    match accept::serve(listener, router, options, &shutdown, drain) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the listening socket failed: {e}");
            ExitCode::FAILURE
        }
    }
}
// ANCHOR_END: main
