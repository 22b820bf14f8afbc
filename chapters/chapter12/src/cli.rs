//! The command line, modelled on `ab`'s: `-n`, `-c`, `-k`, then the URL.

use std::time::Duration;

use clap::Parser;

// ANCHOR: args
/// A load generator in the spirit of ApacheBench: sends GET requests to URL over
/// concurrent connections and reports throughput, latency percentiles and errors.
#[derive(Parser, Debug, Clone)]
#[command(name = "chapter12", version)]
pub struct Args {
    /// The URL to request, `http://HOST[:PORT][/PATH]` (plain HTTP only).
    pub url: String,

    /// Total number of requests to send.
    #[arg(short = 'n', long = "requests", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub requests: u64,

    /// How many requests are in flight at once (one connection each).
    #[arg(short = 'c', long = "concurrency", default_value_t = 1, value_parser = parse_positive)]
    pub concurrency: usize,

    /// Keep-alive: reuse each connection for the next request (HTTP/1.1 persistent
    /// connections). Without it, every request opens a connection and sends `Connection: close`.
    #[arg(short = 'k', long = "keep-alive")]
    pub keep_alive: bool,

    /// Seconds a request may take, connecting included, before it counts as a timeout.
    #[arg(long, default_value_t = 30.0, value_parser = parse_seconds)]
    pub timeout: f64,

    /// Client threads, each running an event loop over its share of the connections
    /// (default: the number of cores).
    #[arg(long, value_parser = parse_positive)]
    pub threads: Option<usize>,

    /// A second, slow URL (same server) for a mixed workload, e.g. `/sleep?ms=500`.
    #[arg(long, value_name = "URL")]
    pub slow_url: Option<String>,

    /// The share of requests sent to `--slow-url`, between 0 and 1.
    #[arg(long, default_value_t = 0.1, value_parser = parse_share)]
    pub slow_share: f64,

    /// The server's process id: report the CPU time it spent per request (Linux `/proc`).
    #[arg(long, value_name = "PID")]
    pub server_pid: Option<u32>,

    /// Print the report as one JSON object (for scripts that assemble tables).
    #[arg(long)]
    pub json: bool,

    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}
// ANCHOR_END: args

impl Args {
    /// The per-request deadline.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout)
    }

    /// How many client threads to run: `--threads`, or one per core, but never more
    /// threads than connections.
    pub fn client_threads(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.threads.unwrap_or(cores).min(self.concurrency)
    }
}

fn parse_positive(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("expected a whole number above 0, got {text:?}")),
    }
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 3600.0 => Ok(s),
        _ => Err(format!("expected seconds between 0 and 3600, got {text:?}")),
    }
}

fn parse_share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(share) if (0.0..=1.0).contains(&share) => Ok(share),
        _ => Err(format!("expected a share between 0 and 1, got {text:?}")),
    }
}
