//! `results.json` read back: what the tables and the charts are drawn from, and nothing
//! else, so `--render-only` redraws them exactly from a saved file.

use std::collections::BTreeMap;

use serde_json::Value;

/// The whole comparison.
#[derive(Debug, Clone)]
pub struct Results {
    pub command: String,
    pub started_utc: String,
    pub duration_s: f64,
    pub cores: u64,
    pub load_average_before: String,
    pub load_average_after: String,
    pub quick: bool,
    pub rounds: u64,
    pub notes: Vec<String>,
    /// Workload id to its settings as recorded (`requests`, `concurrency`, ...).
    pub workloads: Vec<(String, Value)>,
    pub servers: Vec<ServerInfo>,
    pub runs: Vec<Run>,
}

#[derive(Debug, Clone)]
pub struct ServerInfo {
    pub name: String,
    pub model: String,
    pub kind: String,
    pub twin: Option<String>,
    pub floor: Option<String>,
}

/// Latency figures of one run, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

/// One server under one workload.
#[derive(Debug, Clone)]
pub struct Run {
    pub workload: String,
    pub server: String,
    pub round: u64,
    /// Why the workload does not apply (no `/sleep` route, ...).
    pub skipped: Option<String>,
    /// Why there is no measurement (did not start, did not finish, ...).
    pub error: Option<String>,
    pub measured: Option<Measured>,
}

/// What a run that happened measured.
#[derive(Debug, Clone)]
pub struct Measured {
    /// The load generator's flags, as `cargo run -p chapter12 -- ...` takes them.
    pub command: String,
    pub requests: u64,
    pub concurrency: u64,
    pub elapsed_s: f64,
    /// Requests that ended, answered or not.
    pub completed: u64,
    pub requests_per_second: f64,
    pub connections: u64,
    pub statuses: BTreeMap<String, u64>,
    pub errors: BTreeMap<String, u64>,
    pub latency: Option<Latency>,
    pub fast: Option<Latency>,
    pub slow: Option<Latency>,
    pub server_cpu_s: f64,
    pub rss_before_kib: u64,
    pub rss_peak_kib: u64,
    pub threads_before: u64,
    pub threads_peak: u64,
    pub fds_before: u64,
    pub fds_peak: u64,
    pub kib_per_connection: Option<f64>,
    /// Connections the kernel dropped at a full listen queue during the run (the
    /// whole machine's count, so another program's could show here too).
    pub listen_overflows: Option<u64>,
    /// Set if the server exited during the run.
    pub exited: Option<String>,
}

impl Measured {
    /// Responses with a 2xx status.
    pub fn ok(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(status, _)| status.starts_with('2'))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn non_2xx(&self) -> u64 {
        self.statuses.values().sum::<u64>() - self.ok()
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Server CPU microseconds per request: what one request costs the server.
    pub fn cpu_us_per_request(&self) -> Option<f64> {
        (self.completed > 0 && self.server_cpu_s > 0.0)
            .then(|| self.server_cpu_s * 1e6 / self.completed as f64)
    }

    /// Requests served per second of server CPU: the same, upside down, so that more
    /// is better and ratios read "× as much work for the same CPU".
    pub fn per_cpu_second(&self) -> Option<f64> {
        self.cpu_us_per_request().map(|us| 1e6 / us)
    }

    /// How many cores the server kept busy on average.
    pub fn cores_used(&self) -> f64 {
        self.server_cpu_s / self.elapsed_s.max(1e-9)
    }
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn number(value: &Value, key: &str) -> f64 {
    value.get(key).and_then(Value::as_f64).unwrap_or(0.0)
}

fn count(value: &Value, key: &str) -> u64 {
    value.get(key).and_then(Value::as_u64).unwrap_or(0)
}

fn counts(value: &Value, key: &str) -> BTreeMap<String, u64> {
    value
        .get(key)
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default()
}

fn latency(value: &Value, key: &str) -> Option<Latency> {
    let l = value.get(key).filter(|v| v.is_object())?;
    Some(Latency {
        p50: number(l, "p50"),
        p99: number(l, "p99"),
        max: number(l, "max"),
    })
}

fn optional_text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

impl Run {
    fn from_json(value: &Value) -> Run {
        let measured = value.get("load").filter(|v| v.is_object()).map(|load| {
            let before = value.get("before").cloned().unwrap_or(Value::Null);
            let peak = value.get("peak").cloned().unwrap_or(Value::Null);
            Measured {
                command: text(value, "command"),
                requests: count(load, "requests"),
                concurrency: count(load, "concurrency"),
                elapsed_s: number(load, "elapsed_s"),
                completed: count(load, "completed"),
                requests_per_second: number(load, "requests_per_second"),
                connections: count(load, "connections"),
                statuses: counts(load, "status_codes"),
                errors: counts(load, "errors"),
                latency: latency(load, "latency_ms"),
                fast: latency(load, "fast_latency_ms"),
                slow: latency(load, "slow_latency_ms"),
                server_cpu_s: number(value, "server_cpu_s"),
                rss_before_kib: count(&before, "rss_kib"),
                rss_peak_kib: count(&peak, "rss_kib"),
                threads_before: count(&before, "threads"),
                threads_peak: count(&peak, "threads"),
                fds_before: count(&before, "fds"),
                fds_peak: count(&peak, "fds"),
                kib_per_connection: value.get("kib_per_connection").and_then(Value::as_f64),
                listen_overflows: value.get("listen_overflows").and_then(Value::as_u64),
                exited: optional_text(value, "exited"),
            }
        });
        Run {
            workload: text(value, "workload"),
            server: text(value, "server"),
            round: count(value, "round"),
            skipped: optional_text(value, "skipped"),
            error: optional_text(value, "error"),
            measured,
        }
    }
}

impl Results {
    /// Reads `results.json` as the runner writes it.
    pub fn parse(json: &str) -> Result<Results, String> {
        let doc: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
        if doc.get("schema").and_then(Value::as_u64) != Some(1) {
            return Err("not a chapter19 results file (schema 1)".into());
        }
        let list = |key: &str| {
            doc.get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        Ok(Results {
            command: text(&doc, "command"),
            started_utc: text(&doc, "started_utc"),
            duration_s: number(&doc, "duration_s"),
            cores: count(&doc, "cores"),
            load_average_before: text(&doc, "load_average_before"),
            load_average_after: text(&doc, "load_average_after"),
            quick: doc.get("quick").and_then(Value::as_bool).unwrap_or(false),
            rounds: count(&doc, "rounds").max(1),
            notes: list("notes")
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect(),
            workloads: list("workloads")
                .into_iter()
                .map(|w| (text(&w, "id"), w))
                .collect(),
            servers: list("servers")
                .iter()
                .map(|s| ServerInfo {
                    name: text(s, "name"),
                    model: text(s, "model"),
                    kind: text(s, "kind"),
                    twin: optional_text(s, "twin"),
                    floor: optional_text(s, "floor"),
                })
                .collect(),
            runs: list("runs").iter().map(Run::from_json).collect(),
        })
    }

    pub fn has_workload(&self, workload: &str) -> bool {
        self.workloads.iter().any(|(id, _)| id == workload)
    }

    /// The recorded settings of a workload.
    pub fn settings(&self, workload: &str) -> Option<&Value> {
        self.workloads
            .iter()
            .find(|(id, _)| id == workload)
            .map(|(_, v)| v)
    }

    pub fn server(&self, name: &str) -> Option<&ServerInfo> {
        self.servers.iter().find(|s| s.name == name)
    }

    // ANCHOR: median_run
    /// The run shown for `server` under `workload`: with several rounds, the one with
    /// the median server CPU per request (of an even number, the lower one). Another
    /// process on the shared cores only ever adds to a run's cost, so a disturbed run
    /// lands at the top, not in the middle. A skipped or failed run when no round
    /// measured anything.
    pub fn run(&self, workload: &str, server: &str) -> Option<&Run> {
        let all: Vec<&Run> = self
            .runs
            .iter()
            .filter(|r| r.workload == workload && r.server == server)
            .collect();
        let mut measured: Vec<&Run> = all
            .iter()
            .copied()
            .filter(|r| {
                r.measured
                    .as_ref()
                    .is_some_and(|m| m.cpu_us_per_request().is_some())
            })
            .collect();
        let cost = |r: &&Run| {
            r.measured
                .as_ref()
                .and_then(Measured::cpu_us_per_request)
                .unwrap_or(0.0)
        };
        measured.sort_by(|a, b| cost(a).total_cmp(&cost(b)));
        measured
            .get(measured.len().saturating_sub(1) / 2)
            .copied()
            .or(all.first().copied())
    }
    // ANCHOR_END: median_run

    /// The measurement shown for `server` under `workload`, if there is one.
    pub fn measured(&self, workload: &str, server: &str) -> Option<&Measured> {
        self.run(workload, server)?.measured.as_ref()
    }

    /// `a`'s requests per server CPU-second divided by `b`'s, under `workload`.
    pub fn cpu_ratio(&self, workload: &str, a: &str, b: &str) -> Option<f64> {
        let a = self.measured(workload, a)?.per_cpu_second()?;
        let b = self.measured(workload, b)?.per_cpu_second()?;
        Some(a / b)
    }

    /// The first line above every table: which command, when, on what.
    pub fn provenance(&self) -> String {
        format!(
            "Measured {} by `{}` on {} cores (load average {} before, {} after); the whole comparison took {:.0} s{}.",
            self.started_utc,
            self.command,
            self.cores,
            self.load_average_before,
            self.load_average_after,
            self.duration_s,
            if self.rounds > 1 {
                format!(
                    "; workloads 1 and 2 in {} rounds, each server's median run shown",
                    self.rounds
                )
            } else {
                String::new()
            }
        )
    }
}

/// One line about a run as the runner writes it, for a log when there is no progress bar.
pub fn one_line(run: &Value) -> String {
    let run = Run::from_json(run);
    let what = match (&run.measured, &run.skipped, &run.error) {
        (Some(m), _, _) => format!(
            "{:.0} requests/s, {} ok, {} errors, {}",
            m.requests_per_second,
            m.ok(),
            m.error_count(),
            m.cpu_us_per_request()
                .map_or("server CPU not measured".into(), |us| format!(
                    "{us:.1} µs server CPU per request"
                ))
        ),
        (None, Some(why), _) => format!("skipped: {why}"),
        (None, None, Some(why)) => format!("failed: {why}"),
        (None, None, None) => "nothing recorded".into(),
    };
    format!("{} · {}: {what}", run.workload, run.server)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(server: &str, cpu_s: f64, completed: u64) -> Value {
        serde_json::json!({
            "workload": "close", "server": server,
            "load": { "completed": completed, "requests_per_second": 1000.0, "elapsed_s": 1.0,
                      "status_codes": { "200": completed - 1, "503": 1 }, "errors": { "reset": 2 },
                      "latency_ms": { "p50": 1.0, "p99": 2.0, "max": 3.0 } },
            "server_cpu_s": cpu_s,
        })
    }

    fn results(runs: Vec<Value>) -> Results {
        let doc =
            serde_json::json!({ "schema": 1, "runs": runs, "workloads": [{ "id": "close" }] });
        Results::parse(&doc.to_string()).expect("valid")
    }

    #[test]
    fn the_median_round_is_shown_and_ratios_divide_per_cpu_second() {
        let r = results(vec![
            run("a", 3.0, 1000),
            run("a", 1.0, 1000),
            run("a", 2.0, 1000),
            run("b", 4.0, 1000),
        ]);
        let shown = r.measured("close", "a").expect("measured");
        assert_eq!(shown.cpu_us_per_request(), Some(2000.0));
        assert_eq!(
            (shown.ok(), shown.non_2xx(), shown.error_count()),
            (999, 1, 2)
        );
        assert_eq!(r.cpu_ratio("close", "a", "b"), Some(2.0));
        assert_eq!(r.cpu_ratio("close", "a", "nobody"), None);
    }

    #[test]
    fn skipped_and_failed_runs_are_kept_with_their_reason() {
        let r = results(vec![
            serde_json::json!({ "workload": "close", "server": "a", "skipped": "no /sleep route" }),
            serde_json::json!({ "workload": "close", "server": "b", "error": "no ready line" }),
        ]);
        assert_eq!(
            r.run("close", "a").and_then(|r| r.skipped.as_deref()),
            Some("no /sleep route")
        );
        assert_eq!(
            r.run("close", "b").and_then(|r| r.error.as_deref()),
            Some("no ready line")
        );
        assert!(r.measured("close", "a").is_none());
        assert!(Results::parse("{}").is_err());
    }
}
