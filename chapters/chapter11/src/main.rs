//! Chapter 11: the blocking problem. Chapter 10's server plus two slow routes,
//! `/sleep?ms=N` (waiting, like a slow database) and `/cpu?ms=N` (computing). Served
//! one connection at a time, one slow request makes everyone behind it wait.
//! `cargo run -p chapter11 --bin ten-at-once` shows it.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use webcore::Router;
use webcore::cli::{ServerArgs, TimeoutArgs};

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
fn main() -> ExitCode {
    let args = Args::parse();
    // The only new line: chapter 10's site plus the slow routes.
    let router = Router::site(&args.server.root).with_slow_routes();
    let options = args.timeouts.connection_options();
    let served = webcore::serve::until_stopped(args.server.addr, &router, &options);
    // Ok is a clean stop (exit status 0); an error is one line and exit status 1.
    webcore::cli::exit_code(served)
}
// ANCHOR_END: main
