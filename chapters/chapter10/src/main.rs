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
    webcore::cli::exit_code(serve(&args))
}

/// Everything that can fail comes back here as one line; `main` decides the exit code.
fn serve(args: &Args) -> Result<(), String> {
    let router = Router::site(&args.server.root);
    let options = args.timeouts.connection_options();
    let (listener, shutdown) = webcore::ready::listen_with_shutdown(args.server.addr)?;
    // Only a broken listening socket ends the loop with an error.
    webcore::serve::sequential(&listener, &router, &options, &shutdown)
        .map_err(|e| format!("cannot accept connections any more: {e}"))?;
    // Returning Ok exits with status 0: a clean stop.
    webcore::log::line(format_args!("stopped"));
    Ok(())
}
// ANCHOR_END: main
