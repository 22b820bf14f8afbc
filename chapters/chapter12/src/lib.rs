//! Chapter 12: the workbook's load generator, in the spirit of ApacheBench (`ab`).
//!
//! `chapter12 -n 10000 -c 100 http://127.0.0.1:8080/` sends 10,000 GET requests over 100
//! concurrent connections and reports requests per second, latency percentiles, status
//! codes, errors by kind and, with `--server-pid`, the CPU time the server spent per
//! request. Part II measures every server with it.
//!
//! The pieces, each small enough to read on its own:
//!
//! - [`cli`]: the command line (`-n`, `-c`, `-k`, `--timeout`, `--slow-url`, ...);
//! - [`target`]: the URL, and the request bytes, built once;
//! - [`response`]: reading one response from bytes as they arrive (`httparse`);
//! - [`engine`]: the event loop each client thread runs over its share of the connections;
//! - [`stats`]: percentiles from the recorded latencies;
//! - [`cpu`]: a process's CPU time from `/proc/PID/stat`;
//! - [`report`]: the report, as text or JSON.

#![forbid(unsafe_code)]

pub mod cli;
pub mod cpu;
pub mod engine;
pub mod report;
pub mod response;
pub mod stats;
pub mod target;

pub use cli::Args;
pub use engine::{ErrorKind, Tally};
pub use report::Report;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

// ANCHOR: run
/// Runs the whole measurement `args` describes and returns its report.
///
/// `threads` client threads each run an event loop over their share of the `-c`
/// connections; they draw request tickets from one shared counter, so exactly `-n`
/// requests are sent however the work happens to spread.
pub fn run(args: &Args) -> Result<Report, String> {
    let plan = Arc::new(engine::Plan::from_args(args)?);
    let threads = args.client_threads();
    let shared = Arc::new(engine::Shared::default());
    let progress = progress_bar(args);

    let server_before = args.server_pid.map(cpu::read_cpu_ticks).transpose();
    let server_before = server_before.map_err(|e| format!("reading the server's CPU time: {e}"))?;
    let client_before = cpu::read_cpu_ticks_of_self().ok();
    let started = Instant::now();

    let (done_tx, done_rx) = mpsc::channel();
    for index in 0..threads {
        // Spread the connections as evenly as possible: 100 over 3 threads is 34, 33, 33.
        let connections =
            args.concurrency / threads + usize::from(index < args.concurrency % threads);
        let (plan, shared, done_tx) = (Arc::clone(&plan), Arc::clone(&shared), done_tx.clone());
        thread::Builder::new()
            .name(format!("client-{index}"))
            .spawn(move || {
                let outcome = engine::run_worker(&plan, &shared, connections);
                // The receiver only goes away if `run` itself is gone: nothing left to tell.
                let _ = done_tx.send(outcome.map(|tally| (tally, Instant::now())));
            })
            .map_err(|e| format!("starting a client thread: {e}"))?;
    }
    drop(done_tx);

    // Wait for every worker, redrawing the progress bar ten times a second meanwhile.
    let mut tally = Tally::default();
    let mut finished_at = started;
    let mut running = threads;
    while running > 0 {
        match done_rx.recv_timeout(Duration::from_millis(100)) {
            Ok(outcome) => {
                let (worker_tally, worker_end) =
                    outcome.map_err(|e| format!("client thread: {e}"))?;
                tally.merge(worker_tally);
                finished_at = finished_at.max(worker_end);
                running -= 1;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err("a client thread panicked".into());
            }
        }
        progress.set_position(shared.completed.load(Ordering::Relaxed));
    }
    progress.finish_and_clear();

    let elapsed = finished_at - started;
    let server_cpu = match (args.server_pid, server_before) {
        (Some(pid), Some(before)) => {
            let after = cpu::read_cpu_ticks(pid)
                .map_err(|e| format!("reading the server's CPU time: {e}"))?;
            Some(cpu::CpuUse::between(before, after, elapsed))
        }
        _ => None,
    };
    let client_cpu = match (client_before, cpu::read_cpu_ticks_of_self()) {
        (Some(before), Ok(after)) => Some(cpu::CpuUse::between(before, after, elapsed)),
        _ => None,
    };
    Ok(Report::new(
        args, &plan, threads, elapsed, tally, server_cpu, client_cpu,
    ))
}
// ANCHOR_END: run

/// A progress bar on stderr, hidden with `--quiet` and when stderr is not a terminal
/// (a script capturing the report should not get escape codes).
fn progress_bar(args: &Args) -> ProgressBar {
    use std::io::IsTerminal;
    if args.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(args.requests), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{bar:40} {pos}/{len} requests, {elapsed} elapsed, {eta} left",
    )
    .expect("the template is a valid indicatif template");
    bar.set_style(style);
    bar
}
