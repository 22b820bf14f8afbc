//! Chapter 10: serving forever. The loop from chapter 09 becomes one nothing can stop
//! but a signal: every request has a deadline, a panicking handler costs one 500, a
//! client that vanishes costs a log line, and SIGINT/SIGTERM end it cleanly.
#![forbid(unsafe_code)]

use clap::Parser;
use webcore::Router;
use webcore::cli::{ServerArgs, TimeoutArgs};
use webcore::connection::ConnectionOptions;

/// Serve the site one connection at a time, surviving every client, until a signal.
#[derive(Parser, Debug)]
#[command(name = "chapter10", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    timeouts: TimeoutArgs,
}

// ANCHOR: main
fn main() {
    let args = Args::parse();
    let router = Router::site(&args.server.root);
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
    // Returning from main exits with status 0: a clean stop.
    eprintln!("stopped");
}
// ANCHOR_END: main
