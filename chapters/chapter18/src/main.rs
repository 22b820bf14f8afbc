//! Chapter 18: every core, with connections that stay open. Chapter 16's event loop,
//! once per core, with HTTP/1.1 keep-alive and pipelining; or the same server as one
//! process per core.
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chapter15::cli::LoopArgs;
use chapter16::cli::LimitArgs;
use chapter18::file_cache::FileCache;
use chapter18::listen::{self, Sharing};
use chapter18::loops::{self, PerLoop};
use clap::Parser;
use webcore::Router;
use webcore::connection::ConnectionOptions;
use webcore::session::Persistence;

/// Serve the site with one event loop per core and connections that stay open.
#[derive(Parser, Debug)]
#[command(name = "chapter18", version)]
struct Args {
    // Chapter 15's flags...
    #[command(flatten)]
    base: LoopArgs,
    // ...chapter 16's limits...
    #[command(flatten)]
    limits: LimitArgs,
    /// Event loops, each on its own thread [default: one per core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: Option<u16>,
    /// Processes serving the same port, each with its own event loops (`--threads`).
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    processes: u16,
    /// How the event loops share the port.
    #[arg(long, value_enum, default_value_t = Sharing::Reuseport)]
    listener: Sharing,
    /// Requests one connection may carry; the answer to the last says `Connection: close`.
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(1..))]
    max_requests: u64,
    /// Seconds a static file is served from memory before it is read again (0: read
    /// every request from disk).
    #[arg(long, value_name = "SECS", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(0..=3600))]
    file_cache_secs: u64,
    /// Set by `--processes` on the processes it starts: stop when the supervisor dies.
    #[arg(long, hide = true)]
    worker: bool,
}

// ANCHOR: main
fn main() -> ExitCode {
    let args = Args::parse();
    let result = if args.processes > 1 {
        let worker_args = worker_args(std::env::args().skip(1));
        chapter18::processes::supervise(
            usize::from(args.processes),
            args.base.server.addr,
            &worker_args,
        )
    } else {
        serve(&args)
    };
    webcore::cli::exit_code(result)
}

/// This process serves: `--threads` event loops on one port.
fn serve(args: &Args) -> Result<(), String> {
    if args.worker {
        // The kernel sends us SIGTERM when the supervisor dies, however it dies: no
        // worker outlives it holding the port.
        chapter18::processes::stop_with_supervisor()?;
    }
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let loops = args.threads.map_or(cores, usize::from);
    webcore::fd_limit::raise_open_files(args.limits.max_connections);
    let listeners = listen::listeners(
        args.base.server.addr,
        args.base.backlog.backlog,
        loops,
        args.listener,
    )
    .map_err(|e| format!("cannot listen on {}: {e}", args.base.server.addr))?;
    let addr = listeners[0]
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let (limits, cpu_threads) = args.limits.per_loop(loops);
    // ANCHOR: per_loop
    let each = PerLoop {
        options: ConnectionOptions {
            persistence: Persistence::KeepAlive {
                max_requests: usize::try_from(args.max_requests).unwrap_or(usize::MAX),
            },
            ..args.base.timeouts.connection_options()
        },
        limits,
        cpu_threads,
        drain: args.base.drain.drain_timeout(),
    };
    // ANCHOR_END: per_loop
    let root = args.base.server.root.clone();
    let fresh_for = Duration::from_secs(args.file_cache_secs);
    let router = move || {
        let router = Router::site(&root).with_slow_routes();
        if fresh_for.is_zero() {
            return router;
        }
        let cache = Arc::new(FileCache::new(fresh_for));
        router.file_server(move |root, request| cache.serve(root, request))
    };
    loops::run_loops(listeners, router, each, addr)
        .map_err(|e| format!("an event loop failed: {e}"))
}
// ANCHOR_END: main

/// The command line for a worker process: ours, less the flags the supervisor sets
/// itself (`--processes`, `--addr`).
fn worker_args(args: impl Iterator<Item = String>) -> Vec<String> {
    let mut kept = Vec::new();
    let mut skip_value = false;
    for arg in args {
        if skip_value {
            skip_value = false;
        } else if arg == "--processes" || arg == "--addr" {
            skip_value = true;
        } else if !arg.starts_with("--processes=") && !arg.starts_with("--addr=") {
            kept.push(arg);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_get_every_flag_but_the_supervisors() {
        let args = [
            "--processes",
            "2",
            "--threads=1",
            "--addr",
            "127.0.0.1:0",
            "--processes=3",
        ];
        let kept = worker_args(args.iter().map(|s| s.to_string()));
        assert_eq!(kept, ["--threads=1"]);
    }
}
