//! The five workloads, and one measurement: a fresh server, chapter 12's load generator
//! against it, and the server's own costs read from `/proc` around the run.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::servers::{Running, Server};
use crate::usage::{self, Sampler};

/// What the comparison asks of every server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// One request per connection, 100 at once: the seed benchmark's `ab -n 10000 -c 100`.
    Close,
    /// The same 100 clients, each keeping its connection for request after request.
    KeepAlive,
    /// Fast requests while a share of slow `/sleep` requests is in flight.
    HeadOfLine,
    /// Ten thousand connections at once, each answered once.
    C10k,
    /// `/cpu` requests: work that needs a core, to see what a second core buys.
    Cpu,
}

pub const ALL: [Workload; 5] = [
    Workload::Close,
    Workload::KeepAlive,
    Workload::HeadOfLine,
    Workload::C10k,
    Workload::Cpu,
];

/// How one workload is run: the load generator's flags, and the bounds on waiting.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Requests in the measured run; with `seconds`, only the least.
    pub requests: u64,
    pub concurrency: usize,
    pub keep_alive: bool,
    pub path: &'static str,
    /// A slow path and the share of requests sent to it.
    pub slow: Option<(String, f64)>,
    /// Requests sent before the measurement, on the same server, to warm it up.
    pub warm_up: u64,
    /// Size the measured run from the warm-up's rate so that it lasts about this long
    /// (a fast server would finish a fixed count before the CPU clock, which ticks 100
    /// times a second, could measure it).
    pub seconds: Option<f64>,
    /// Seconds one request may take.
    pub timeout: f64,
    /// Seconds the whole run may take before the server is killed: no run hangs.
    pub deadline: f64,
}

impl Workload {
    /// The name in the JSON file, the tables and `--workloads`.
    pub fn id(self) -> &'static str {
        match self {
            Workload::Close => "close",
            Workload::KeepAlive => "keep-alive",
            Workload::HeadOfLine => "head-of-line",
            Workload::C10k => "c10k",
            Workload::Cpu => "cpu",
        }
    }

    pub fn from_id(id: &str) -> Option<Workload> {
        ALL.into_iter().find(|w| w.id() == id)
    }

    pub fn title(self) -> &'static str {
        match self {
            Workload::Close => "1. One request per connection, 100 at once",
            Workload::KeepAlive => "2. Keep-alive, 100 connections",
            Workload::HeadOfLine => "3. Fast requests behind slow ones",
            Workload::C10k => "4. Ten thousand connections at once",
            Workload::Cpu => "5. CPU work",
        }
    }

    // ANCHOR: settings
    /// The full settings keep the whole comparison under ten minutes on two cores;
    /// `quick` ones take seconds (the tests, and a first look).
    pub fn settings(self, quick: bool) -> Settings {
        let base = Settings {
            requests: 0,
            concurrency: 100,
            keep_alive: false,
            path: "/",
            slow: None,
            warm_up: 0,
            seconds: None,
            timeout: 10.0,
            deadline: 90.0,
        };
        let full = match self {
            Workload::Close => Settings {
                requests: 10_000,
                warm_up: 1_000,
                ..base
            },
            Workload::KeepAlive => Settings {
                requests: 10_000,
                keep_alive: true,
                warm_up: 2_000,
                seconds: Some(2.0),
                ..base
            },
            // 5 % of 1,000 requests sleep 100 ms: 5 s for a server that serves one at a time.
            Workload::HeadOfLine => Settings {
                requests: 1_000,
                slow: Some(("/sleep?ms=100".into(), 0.05)),
                ..base
            },
            // One request on each of 10,000 connections. Keep-alive, so that the client
            // closes each connection once answered, whoever the server is (the minimal
            // peers never close first).
            Workload::C10k => Settings {
                requests: 10_000,
                concurrency: 10_000,
                keep_alive: true,
                timeout: 30.0,
                ..base
            },
            // 10 ms of CPU each, 8 at once: two cores can finish at most 200 a second.
            Workload::Cpu => Settings {
                requests: 300,
                concurrency: 8,
                path: "/cpu?ms=10",
                ..base
            },
        };
        if !quick {
            return full;
        }
        // Quick: the same workloads, a few requests each, and short limits.
        let (requests, concurrency) = match self {
            Workload::Close | Workload::KeepAlive => (200, 10),
            Workload::HeadOfLine => (40, 10),
            Workload::C10k => (200, 200),
            Workload::Cpu => (8, 4),
        };
        let mut small = Settings {
            requests,
            concurrency,
            timeout: 5.0,
            deadline: 20.0,
            warm_up: 0,
            seconds: None,
            ..full
        };
        match self {
            Workload::HeadOfLine => small.slow = Some(("/sleep?ms=50".into(), 0.1)),
            Workload::Cpu => small.path = "/cpu?ms=5",
            _ => {}
        }
        small
    }
    // ANCHOR_END: settings

    /// Whether `--rounds` repeats it: the two workloads whose requests per server
    /// CPU-second the targets compare. The others show differences of ten times and
    /// more, which one run tells well enough.
    pub fn repeats(self) -> bool {
        matches!(self, Workload::Close | Workload::KeepAlive)
    }

    /// Why this workload says nothing about `server`, if it does not.
    pub fn not_for(self, server: &Server) -> Option<&'static str> {
        match self {
            Workload::HeadOfLine if !server.sleep => Some("no /sleep route"),
            Workload::Cpu if !server.cpu => Some("no /cpu route"),
            _ => None,
        }
    }
}

/// The load generator's command line for `settings` against `running`: the same flags
/// `cargo run -p chapter12 -- ...` takes, so a reader can repeat any single run.
pub fn loadgen_argv(settings: &Settings, requests: u64, running: &Running) -> Vec<String> {
    let mut argv: Vec<String> = vec!["chapter12".into(), "--quiet".into()];
    argv.extend(["-n".into(), requests.to_string()]);
    argv.extend(["-c".into(), settings.concurrency.to_string()]);
    argv.extend(["--timeout".into(), settings.timeout.to_string()]);
    if settings.keep_alive {
        argv.push("-k".into());
    }
    if let Some((path, share)) = &settings.slow {
        argv.extend([
            "--slow-url".into(),
            path.clone(),
            "--slow-share".into(),
            share.to_string(),
        ]);
    }
    argv.push(running.url(settings.path));
    argv
}

// ANCHOR: bounded_run
/// Runs chapter 12's generator with `argv`, but never for longer than `deadline`: past
/// it, the server is killed, so every connection still open fails at once and the
/// generator returns with what it has (its requests have their own `--timeout`, so it
/// returns soon after in any case).
fn bounded_run(
    argv: &[String],
    running: &mut Running,
    deadline: Duration,
) -> Result<chapter12::Report, String> {
    use clap::Parser;
    let args = chapter12::Args::try_parse_from(argv).map_err(|e| e.to_string())?;
    let grace = args.timeout() + Duration::from_secs(5);
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(chapter12::run(&args));
    });
    let started = Instant::now();
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(report) => return report,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err("the load generator panicked".into());
            }
            Err(mpsc::RecvTimeoutError::Timeout) if started.elapsed() < deadline => {}
            Err(mpsc::RecvTimeoutError::Timeout) => break,
        }
    }
    running.kill_now();
    // Let the generator's threads see the dead server and end; what they report is
    // not a measurement any more.
    let _ = rx.recv_timeout(grace);
    Err(format!(
        "not finished after {} s: the server was killed",
        deadline.as_secs()
    ))
}
// ANCHOR_END: bounded_run

/// One measurement's outcome, as it goes into the JSON file.
pub fn measure(
    workload: Workload,
    server: &Server,
    running: &mut Running,
    settings: &Settings,
) -> Value {
    let deadline = Duration::from_secs_f64(settings.deadline);
    let mut requests = settings.requests;
    if settings.warm_up > 0 {
        let argv = loadgen_argv(settings, settings.warm_up, running);
        match bounded_run(&argv, running, deadline) {
            Ok(warm) => {
                if let Some(seconds) = settings.seconds {
                    let rate = warm.requests_per_second();
                    // Enough requests for `seconds` at the warm-up's rate, within reason.
                    requests =
                        ((rate * seconds) as u64).clamp(settings.requests, 50 * settings.requests);
                }
            }
            Err(why) => return failed(workload, server, &format!("warm-up: {why}")),
        }
    }
    let argv = loadgen_argv(settings, requests, running);
    let pids = usage::tree(running.pid());
    let before = usage::usage(&pids);
    let overflows_before = usage::listen_overflows();
    let sampler = Sampler::start(running.pid());
    let report = bounded_run(&argv, running, deadline);
    let peaks = sampler.finish();
    let after = usage::usage(&usage::tree(running.pid()));
    let overflows = usage::listen_overflows()
        .zip(overflows_before)
        .map(|(after, before)| after.saturating_sub(before));
    let exited = running.exited();
    let report = match report {
        Ok(report) => report,
        Err(why) => return failed(workload, server, &why),
    };
    let ticks = chapter12::cpu::ticks_per_second() as f64;
    let cpu_s = after.cpu_ticks.saturating_sub(before.cpu_ticks) as f64 / ticks;
    let growth = peaks.fds.saturating_sub(before.fds);
    // What each connection open at the busiest moment cost; too few to divide by: none.
    let kib_per_connection = (growth >= 50)
        .then(|| peaks.rss_kib_at_most_fds.saturating_sub(before.rss_kib) as f64 / growth as f64);
    json!({
        "workload": workload.id(),
        "server": server.name,
        "command": argv[1..].join(" "),
        "load": report.to_json(),
        "server_cpu_s": cpu_s,
        "before": { "rss_kib": before.rss_kib, "threads": before.threads, "fds": before.fds },
        "peak": { "rss_kib": peaks.rss_kib, "threads": peaks.threads, "fds": peaks.fds },
        "kib_per_connection": kib_per_connection,
        "listen_overflows": overflows,
        "exited": exited,
    })
}

/// A run that could not be made, and why.
pub fn failed(workload: Workload, server: &Server, why: &str) -> Value {
    json!({ "workload": workload.id(), "server": server.name, "error": why })
}

/// A run that does not apply to this server, and why.
pub fn skipped(workload: Workload, server: &Server, why: &str) -> Value {
    json!({ "workload": workload.id(), "server": server.name, "skipped": why })
}
