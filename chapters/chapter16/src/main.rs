//! Chapter 16: timers and limits in the event loop. Chapter 15's loop, with deadlines
//! kept in order so `poll` sleeps exactly until the next one, a cap on open
//! connections, and `/cpu` handed to a few worker threads so the loop never computes.
//!
//! `event_loop.rs` is the loop, `connection.rs` one client's state machine,
//! `timers.rs` the deadlines, `cpu_pool.rs` the workers.
#![forbid(unsafe_code)]

mod connection;
mod cpu_pool;
mod event_loop;
mod timers;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use mio::{Poll, Waker};
use webcore::Router;
use webcore::cli::{ServerArgs, TimeoutArgs};
use webcore::shutdown::Shutdown;

use connection::Settings;
use cpu_pool::CpuPool;

/// Serve the site from one event-loop thread (plus CPU workers), until a signal.
#[derive(Parser, Debug)]
#[command(name = "chapter16", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    timeouts: TimeoutArgs,
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
    webcore::fd_limit::raise_open_files(args.max_connections);
    let router = Router::site(&args.server.root).with_slow_routes();
    let settings = Settings {
        idle_timeout: args.timeouts.idle_timeout(),
        limits: Default::default(),
    };
    let limits = event_loop::Limits {
        max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        max_output_bytes: usize::try_from(args.max_output_mib * 1024 * 1024).unwrap_or(usize::MAX),
    };
    // A real backlog (see webcore's `bind_with_backlog`), and non-blocking for mio.
    let bound = webcore::ready::bind_with_backlog(args.server.addr, args.backlog).and_then(|std| {
        std.set_nonblocking(true)?;
        Ok(mio::net::TcpListener::from_std(std))
    });
    let listener = match bound {
        Ok(listener) => listener,
        Err(e) => return fail(&format!("cannot listen on {}: {e}", args.server.addr)),
    };
    // One Waker, two uses: a signal, and a CPU worker with an answer ready.
    let threads = usize::try_from(args.cpu_threads).unwrap_or(1);
    let setup = Poll::new().and_then(|poll| {
        let waker = Arc::new(Waker::new(poll.registry(), event_loop::WAKER)?);
        // At most 16 jobs wait per worker; beyond that, /cpu answers 503 at once
        // rather than keep a client waiting longer than it likely will.
        let cpu = CpuPool::new(threads, threads * 16, Arc::clone(&waker))?;
        let shutdown = Shutdown::on_signal(move || {
            let _ = waker.wake();
        })?;
        Ok((poll, cpu, shutdown))
    });
    let (poll, cpu, shutdown) = match setup {
        Ok(all) => all,
        Err(e) => return fail(&format!("cannot set up the event loop: {e}")),
    };
    match listener.local_addr() {
        Ok(addr) => webcore::ready::announce(addr),
        Err(e) => return fail(&format!("cannot read the bound address: {e}")),
    }
    match event_loop::run(poll, listener, router, settings, limits, cpu, &shutdown) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("the event loop failed: {e}")),
    }
}
// ANCHOR_END: main

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}
