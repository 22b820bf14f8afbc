//! The report: what a run measured, as text for people or JSON for scripts.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

use serde_json::{Value, json};

use crate::cli::Args;
use crate::cpu::{CpuUse, ticks_per_second};
use crate::engine::{ErrorKind, Plan, Tally};
use crate::stats::Summary;

/// Everything a run measured.
#[derive(Debug, Clone)]
pub struct Report {
    pub url: String,
    pub slow_url: Option<String>,
    pub requests: u64,
    pub concurrency: usize,
    pub threads: usize,
    pub keep_alive: bool,
    /// From the first connect to the last response.
    pub elapsed: Duration,
    /// Requests that got a complete response (any status).
    pub responses: u64,
    pub bytes: u64,
    pub connections: u64,
    pub statuses: BTreeMap<u16, u64>,
    pub errors: BTreeMap<ErrorKind, u64>,
    /// Latencies of all responses, of the fast URL's and of the slow URL's.
    pub all: Option<Summary>,
    pub fast: Option<Summary>,
    pub slow: Option<Summary>,
    pub server_cpu: Option<CpuUse>,
    pub client_cpu: Option<CpuUse>,
}

impl Report {
    pub fn new(
        args: &Args,
        plan: &Plan,
        threads: usize,
        elapsed: Duration,
        mut tally: Tally,
        server_cpu: Option<CpuUse>,
        client_cpu: Option<CpuUse>,
    ) -> Report {
        let mut all: Vec<u64> = tally.fast.iter().chain(&tally.slow).copied().collect();
        Report {
            url: plan.url.clone(),
            slow_url: plan.slow_url.clone(),
            requests: args.requests,
            concurrency: args.concurrency,
            threads,
            keep_alive: args.keep_alive,
            elapsed,
            responses: all.len() as u64,
            bytes: tally.bytes,
            connections: tally.connections,
            statuses: std::mem::take(&mut tally.statuses),
            errors: std::mem::take(&mut tally.errors),
            all: Summary::of(&mut all),
            fast: Summary::of(&mut tally.fast),
            slow: Summary::of(&mut tally.slow),
            server_cpu,
            client_cpu,
        }
    }

    /// Every request ends with a response or an error: this is `-n` after a full run.
    pub fn completed(&self) -> u64 {
        self.responses + self.error_count()
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Responses whose status is not 2xx (they count as responses, not as errors).
    pub fn non_2xx(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(status, _)| !(200..300).contains(*status))
            .map(|(_, count)| count)
            .sum()
    }

    /// Completed requests per second of wall-clock time.
    pub fn requests_per_second(&self) -> f64 {
        self.completed() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    // ANCHOR: to_text
    /// The report for people.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut line = |label: &str, value: String| {
            let _ = writeln!(out, "{label:<18}{value}");
        };
        line("URL:", self.url.clone());
        if let Some(slow_url) = &self.slow_url {
            line("Slow URL:", slow_url.clone());
        }
        line(
            "Requests:",
            format!(
                "{} ({} concurrent, {} client threads, keep-alive {})",
                self.requests,
                self.concurrency,
                self.threads,
                if self.keep_alive { "on" } else { "off" }
            ),
        );
        line("Connections:", format!("{} opened", self.connections));
        line(
            "Total time:",
            format!("{:.3} s", self.elapsed.as_secs_f64()),
        );
        line("Requests/s:", format!("{:.1}", self.requests_per_second()));
        let kib_per_second = self.bytes as f64 / 1024.0 / self.elapsed.as_secs_f64().max(1e-9);
        line(
            "Transfer:",
            format!("{} bytes received, {kib_per_second:.1} KiB/s", self.bytes),
        );
        line("Latency:", latency_text(self.all.as_ref()));
        if self.slow_url.is_some() {
            line("  fast requests:", latency_text(self.fast.as_ref()));
            line("  slow requests:", latency_text(self.slow.as_ref()));
        }
        let statuses: Vec<String> = self
            .statuses
            .iter()
            .map(|(s, n)| format!("{s}: {n}"))
            .collect();
        line(
            "Status codes:",
            if statuses.is_empty() {
                "none".into()
            } else {
                statuses.join(", ")
            },
        );
        line("Non-2xx:", self.non_2xx().to_string());
        let errors: Vec<String> = self
            .errors
            .iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect();
        let errors = format!("{} ({})", self.error_count(), errors.join(", "));
        line(
            "Errors:",
            if self.errors.is_empty() {
                "0".into()
            } else {
                errors
            },
        );
        for (label, cpu) in [
            ("Server CPU:", &self.server_cpu),
            ("Client CPU:", &self.client_cpu),
        ] {
            if let Some(cpu) = cpu {
                line(
                    label,
                    format!(
                        "{:.2} s ({:.0}% system), {:.1} µs/request, {:.0}% of one core",
                        cpu.seconds,
                        100.0 * cpu.system_seconds / cpu.seconds.max(1e-9),
                        cpu.micros_per_request(self.completed()),
                        cpu.utilisation_percent()
                    ),
                );
            }
        }
        if self.server_cpu.is_some() {
            line(
                "",
                format!("(CPU times in clock ticks of 1/{} s)", ticks_per_second()),
            );
        }
        out
    }
    // ANCHOR_END: to_text

    /// The report as one JSON object, for scripts (times in milliseconds).
    pub fn to_json(&self) -> Value {
        let cpu_json = |cpu: &Option<CpuUse>| {
            cpu.map(|cpu| {
                json!({
                    "seconds": cpu.seconds,
                    "system_seconds": cpu.system_seconds,
                    "us_per_request": cpu.micros_per_request(self.completed()),
                    "utilisation_percent": cpu.utilisation_percent(),
                })
            })
        };
        json!({
            "url": self.url,
            "slow_url": self.slow_url,
            "requests": self.requests,
            "concurrency": self.concurrency,
            "threads": self.threads,
            "keep_alive": self.keep_alive,
            "elapsed_s": self.elapsed.as_secs_f64(),
            "completed": self.completed(),
            "responses": self.responses,
            "requests_per_second": self.requests_per_second(),
            "bytes": self.bytes,
            "connections": self.connections,
            "latency_ms": latency_json(self.all.as_ref()),
            "fast_latency_ms": latency_json(self.fast.as_ref()),
            "slow_latency_ms": latency_json(self.slow.as_ref()),
            "status_codes": self.statuses.iter().map(|(s, n)| (s.to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "non_2xx": self.non_2xx(),
            "errors": self.errors.iter().map(|(k, n)| (k.name().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "error_count": self.error_count(),
            "server_cpu": cpu_json(&self.server_cpu),
            "client_cpu": cpu_json(&self.client_cpu),
        })
    }
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

fn latency_text(summary: Option<&Summary>) -> String {
    match summary {
        None => "no responses".into(),
        Some(s) => format!(
            "mean {:.2} ms, p50 {:.2}, p90 {:.2}, p99 {:.2}, max {:.2} ({} responses)",
            s.mean / 1000.0,
            ms(s.p50),
            ms(s.p90),
            ms(s.p99),
            ms(s.max),
            s.count
        ),
    }
}

fn latency_json(summary: Option<&Summary>) -> Value {
    match summary {
        None => Value::Null,
        Some(s) => json!({
            "count": s.count,
            "mean": s.mean / 1000.0,
            "p50": ms(s.p50),
            "p90": ms(s.p90),
            "p99": ms(s.p99),
            "max": ms(s.max),
        }),
    }
}
