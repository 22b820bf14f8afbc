//! Chapter 16: the event loop of chapter 15 made fit to run unattended. The library
//! (`lib.rs`) holds the loop, so chapter 18 can run one per core; this is the thin
//! `main` that starts one.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use chapter16::event_loop::Limits;
use clap::Parser;
use webcore::Router;
use webcore::cli::{DrainArgs, ServerArgs, TimeoutArgs};
use webcore::connection::ConnectionOptions;
use webcore::shutdown::Shutdown;

/// Serve the site from one event-loop thread (plus CPU workers), until a signal.
#[derive(Parser, Debug)]
#[command(name = "chapter16", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    timeouts: TimeoutArgs,
    #[command(flatten)]
    drain: DrainArgs,
    /// How many connections may wait to be accepted (capped by net.core.somaxconn).
    #[arg(long, value_name = "N", default_value_t = 4096)]
    backlog: i32,
    /// Open connections at most; further clients wait in the backlog until one closes.
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: u64,
    /// Unsent response bytes (over all connections, in MiB) above which no new answer
    /// is started until slow readers catch up.
    #[arg(long, value_name = "MIB", default_value_t = 256,
          value_parser = clap::value_parser!(u64).range(1..=65536))]
    max_output_mib: u64,
    /// Worker threads for CPU-bound requests (/cpu). Default: the number of cores.
    #[arg(long, value_name = "N", default_value_t = default_cpu_threads(),
          value_parser = clap::value_parser!(u64).range(1..=1024))]
    cpu_threads: u64,
}

fn default_cpu_threads() -> u64 {
    std::thread::available_parallelism().map_or(2, |n| n.get() as u64)
}

// ANCHOR: main
fn main() -> ExitCode {
    let args = Args::parse();
    match serve(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            webcore::log::line(format_args!("error: {why}"));
            ExitCode::FAILURE
        }
    }
}

fn serve(args: &Args) -> Result<(), String> {
    webcore::fd_limit::raise_open_files(args.max_connections);
    let router = Router::site(&args.server.root).with_slow_routes();
    let options = ConnectionOptions {
        idle_timeout: args.timeouts.idle_timeout(),
        ..ConnectionOptions::default()
    };
    let limits = Limits {
        max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        max_output_bytes: usize::try_from(args.max_output_mib * 1024 * 1024).unwrap_or(usize::MAX),
    };
    let listener = chapter15::listen::bind(args.server.addr, args.backlog)
        .map_err(|e| format!("cannot listen on {}: {e}", args.server.addr))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let cpu_threads = usize::try_from(args.cpu_threads).unwrap_or(1);
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
        .run(poll, args.drain.drain_timeout(), &shutdown)
        .map_err(|e| format!("the event loop failed: {e}"))
}
// ANCHOR_END: main
