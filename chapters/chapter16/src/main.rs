//! Chapter 16: the event loop of chapter 15 made fit to run unattended. The library
//! (`lib.rs`) holds the loop, so chapter 18 can run one per core; this is the thin
//! `main` that starts one.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use chapter15::cli::LoopArgs;
use chapter16::cli::LimitArgs;
use clap::Parser;
use webcore::Router;
use webcore::shutdown::Shutdown;

/// Serve the site from one event-loop thread (plus CPU workers), until a signal.
#[derive(Parser, Debug)]
#[command(name = "chapter16", version)]
struct Args {
    // Chapter 15's flags...
    #[command(flatten)]
    base: LoopArgs,
    // ...and chapter 16's limits.
    #[command(flatten)]
    limits: LimitArgs,
}

// ANCHOR: main
fn main() -> ExitCode {
    let args = Args::parse();
    webcore::cli::exit_code(serve(&args))
}

fn serve(args: &Args) -> Result<(), String> {
    webcore::fd_limit::raise_open_files(args.limits.max_connections);
    let router = Router::site(&args.base.server.root).with_slow_routes();
    let options = args.base.timeouts.connection_options();
    // One loop: it gets all of the limits and all of the CPU workers.
    let (limits, cpu_threads) = args.limits.per_loop(1);
    let (listener, addr) = args.base.bind()?;
    let (poll, waker, server) = chapter16::prepare(listener, router, options, limits, cpu_threads)
        .map_err(|e| format!("cannot set up the event loop: {e}"))?;
    let shutdown = Shutdown::on_signal(move || {
        let _ = waker.wake();
    })
    .map_err(|e| format!("cannot catch SIGINT/SIGTERM: {e}"))?;
    webcore::ready::announce(addr);
    // The loop writes its log lines once per turn, not once per request.
    webcore::log::buffer_this_thread();
    server
        .run(poll, args.base.drain.drain_timeout(), &shutdown)
        .map_err(|e| format!("the event loop failed: {e}"))
}
// ANCHOR_END: main
