//! The seed article's client for `echo-lines`: many clients at once, each sending
//! `Hello World!:0\n` … `Hello World!:9\n` at a steady pace and checking every answer
//! (the previous line and the current one), for a number of rounds.
//!
//! ```text
//! cargo run --release -p chapter17 --bin echo-lines-load -- --rounds 3 127.0.0.1:1234
//! ```
//!
//! The article sent one message a second; the default here is one every 100 ms, so a
//! round of 100 clients × 10 messages takes about a second. It exits 1 unless every
//! reply was right.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::{MissedTickBehavior, timeout};

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
    /// Milliseconds between two messages of one client.
    #[arg(long = "interval-ms", value_name = "MS", default_value_t = 100)]
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

/// What one client saw.
struct ClientReport {
    replies_ok: usize,
    latencies: Vec<Duration>,
    /// Why the client stopped early, if it did.
    failure: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut clients_ok = 0;
    let mut replies_ok = 0;
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    let started = Instant::now();
    for _ in 0..args.rounds {
        let mut crowd = JoinSet::new();
        for _ in 0..args.clients {
            crowd.spawn(client(
                args.addr,
                args.messages,
                Duration::from_millis(args.interval_ms),
                Duration::from_secs(args.timeout),
            ));
        }
        while let Some(report) = crowd.join_next().await {
            let report = report.unwrap_or_else(|e| ClientReport {
                replies_ok: 0,
                latencies: Vec::new(),
                failure: Some(format!("client task failed: {e}")),
            });
            replies_ok += report.replies_ok;
            latencies.extend(report.latencies);
            match report.failure {
                None => clients_ok += 1,
                Some(why) => failures.push(why),
            }
        }
    }
    let clients = args.clients * args.rounds;
    let replies = clients * args.messages;
    latencies.sort();
    println!(
        "clients ok: {clients_ok}/{clients}, replies ok: {replies_ok}/{replies}, \
         latency p50 {}, p99 {}, max {}, took {:.2} s",
        ms(percentile(&latencies, 50)),
        ms(percentile(&latencies, 99)),
        ms(latencies.last().copied()),
        started.elapsed().as_secs_f64()
    );
    for why in failures.iter().take(5) {
        println!("  {why}");
    }
    if clients_ok == clients && replies_ok == replies {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

// ANCHOR: load_client
/// One client: connect, then send a numbered line every `interval` and check that the
/// answer is the previous line followed by this one.
async fn client(
    addr: SocketAddr,
    messages: usize,
    interval: Duration,
    patience: Duration,
) -> ClientReport {
    let mut report = ClientReport {
        replies_ok: 0,
        latencies: Vec::with_capacity(messages),
        failure: None,
    };
    let mut stream = match timeout(patience, TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => return report.failed(format!("connect: {e}")),
        Err(_) => return report.failed("connect timed out".to_string()),
    };
    // Ticks at a steady pace; a late tick does not make the next ones come faster.
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut previous = String::new();
    for n in 0..messages {
        ticks.tick().await;
        let line = format!("Hello World!:{n}\n");
        let expected = format!("{previous}{line}");
        let sent = Instant::now();
        if let Err(e) = stream.write_all(line.as_bytes()).await {
            return report.failed(format!("message {n}: send: {e}"));
        }
        // The answer's length is known, so read exactly that much.
        let mut reply = vec![0u8; expected.len()];
        match timeout(patience, stream.read_exact(&mut reply)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return report.failed(format!("message {n}: read: {e}")),
            Err(_) => return report.failed(format!("message {n}: no answer in {patience:?}")),
        }
        report.latencies.push(sent.elapsed());
        if reply != expected.as_bytes() {
            return report.failed(format!(
                "message {n}: expected {expected:?}, got {:?}",
                String::from_utf8_lossy(&reply)
            ));
        }
        report.replies_ok += 1;
        previous = line;
    }
    report
}
// ANCHOR_END: load_client

impl ClientReport {
    fn failed(mut self, why: String) -> ClientReport {
        self.failure = Some(why);
        self
    }
}

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
