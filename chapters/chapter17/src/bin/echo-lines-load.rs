//! The seed article's client for `echo-lines`: many clients at once, each sending
//! `Hello World!:0\n` … `Hello World!:9\n` one a second and checking every answer (the
//! previous line and the current one), for a number of rounds. It drives every model
//! of the server alike (chapters 10, 13, 15 and 17).
//!
//! ```text
//! cargo run --release -p chapter17 --bin echo-lines-load -- 127.0.0.1:1234
//! ```
//!
//! With the defaults (100 clients × 10 messages, one a second) a server that serves
//! them together needs about 10 s; one that serves them one at a time about 1000 s,
//! and it needs `--timeout` long enough for the last client's first answer. Exits 1
//! unless every reply was right.
//!
//! Each client is a plain thread running webcore's `echo::converse`, the client the
//! chapters' tests run too: the load tool and the tests judge the servers alike.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use webcore::echo::{self, Pace};

/// Run the echo-lines conversation from many clients at once and check every answer.
#[derive(Parser, Debug)]
#[command(name = "echo-lines-load", version)]
struct Args {
    /// Clients connected at once.
    #[arg(long, short = 'c', default_value_t = 100)]
    clients: usize,
    /// Messages each client sends.
    #[arg(long, short = 'm', default_value_t = 10)]
    messages: usize,
    /// Milliseconds between two messages of one client (the seed: one a second).
    #[arg(long = "interval-ms", value_name = "MS", default_value_t = 1000)]
    interval_ms: u64,
    /// How many times to run the whole crowd, one round after the other.
    #[arg(long, default_value_t = 1)]
    rounds: usize,
    /// Seconds to wait for one reply before the client counts as failed.
    #[arg(long, value_name = "SECS", default_value_t = 5)]
    timeout: u64,
    /// The echo-lines server.
    #[arg(value_parser = webcore::cli::parse_addr)]
    addr: SocketAddr,
}

// ANCHOR: load
fn main() -> ExitCode {
    let args = Args::parse();
    let pace = Pace {
        messages: args.messages,
        interval: Duration::from_millis(args.interval_ms),
        patience: Duration::from_secs(args.timeout),
    };
    let started = Instant::now();
    let mut reports = Vec::new();
    for _ in 0..args.rounds {
        reports.extend(echo::crowd(args.addr, args.clients, pace));
    }
    let took = started.elapsed();
    let clients_ok = reports.iter().filter(|r| r.failure.is_none()).count();
    let replies_ok: usize = reports.iter().map(|r| r.replies_ok).sum();
    let mut latencies: Vec<Duration> = reports.iter().flat_map(|r| r.latencies.clone()).collect();
    latencies.sort();
    let clients = args.clients * args.rounds;
    let replies = clients * args.messages;
    println!(
        "clients ok: {clients_ok}/{clients}, replies ok: {replies_ok}/{replies}, \
         latency p50 {}, p99 {}, max {}, took {:.2} s",
        ms(percentile(&latencies, 50)),
        ms(percentile(&latencies, 99)),
        ms(latencies.last().copied()),
        took.as_secs_f64()
    );
    for why in reports.iter().filter_map(|r| r.failure.as_ref()).take(5) {
        println!("  {why}");
    }
    if clients_ok == clients && replies_ok == replies {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
// ANCHOR_END: load

/// The nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], p: usize) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

fn ms(duration: Option<Duration>) -> String {
    duration.map_or_else(
        || "-".to_string(),
        |d| format!("{:.2} ms", d.as_secs_f64() * 1000.0),
    )
}
