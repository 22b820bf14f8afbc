//! Chapter 11: the blocking problem. Chapter 10's server plus two slow routes,
//! `/sleep?ms=N` (waiting, like a slow database) and `/cpu?ms=N` (computing). Served
//! one connection at a time, one slow request makes everyone behind it wait.
//! `cargo run -p chapter11 --bin ten-at-once` shows it.
#![forbid(unsafe_code)]

use clap::Parser;
use webcore::Router;
use webcore::cli::{ServerArgs, TimeoutArgs};
use webcore::connection::ConnectionOptions;

/// Serve the site plus /sleep and /cpu, one connection at a time.
#[derive(Parser, Debug)]
#[command(name = "chapter11", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    timeouts: TimeoutArgs,
}

// ANCHOR: main
fn main() {
    let args = Args::parse();
    // The only new line: chapter 10's site plus the slow routes.
    let router = Router::site(&args.server.root).with_slow_routes();
    let options = ConnectionOptions {
        idle_timeout: args.timeouts.idle_timeout(),
        ..ConnectionOptions::default()
    };
    let (listener, shutdown) = webcore::ready::listen_with_shutdown(args.server.addr);
    if let Err(e) = webcore::serve::sequential(&listener, &router, &options, &shutdown) {
        // Only a broken listening socket ends the loop with an error.
        eprintln!("error: cannot accept connections any more: {e}");
        std::process::exit(1);
    }
    eprintln!("stopped");
}
// ANCHOR_END: main
