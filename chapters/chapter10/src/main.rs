//! Chapter 10: serving forever. The loop from chapter 09 becomes one nothing can stop
//! but a signal: every request has a deadline, a panicking handler costs one 500, a
//! client that vanishes costs a log line, and SIGINT/SIGTERM end it cleanly.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use webcore::Router;
use webcore::cli::{ServerArgs, TimeoutArgs};

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
fn main() -> ExitCode {
    let args = Args::parse();
    let router = Router::site(&args.server.root);
    let options = args.timeouts.connection_options();
    let served = webcore::serve::until_stopped(args.server.addr, &router, &options);
    // Ok is a clean stop (exit status 0); an error is one line and exit status 1.
    webcore::cli::exit_code(served)
}
// ANCHOR_END: main
