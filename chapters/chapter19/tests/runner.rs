//! The runner on a small, fast comparison: two of the Python peers (no build needed),
//! every workload with tiny counts, the JSON file written and read back, the tables and
//! the charts drawn, and drawn again from the saved file alone.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chapter19::results::Results;
use chapter19::servers::{self, Places};
use chapter19::workloads::{self, Workload};

/// Runs the runner with `args`, killing it if it takes longer than `limit`.
fn run_runner(args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chapter19"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chapter19");
    let started = Instant::now();
    while child.try_wait().expect("poll chapter19").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("chapter19 {args:?} took longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child
        .wait_with_output()
        .expect("collect chapter19's output")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_quick_comparison_writes_json_tables_and_charts() {
    let out = tempfile::tempdir().expect("a scratch folder");
    let dir = out.path().to_string_lossy().to_string();
    let args = [
        "--quick",
        "--no-build",
        "--rounds",
        "2",
        "--servers",
        "py-sequential,py-asyncio",
        "--out",
        &dir,
    ];
    let output = run_runner(&args, Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "chapter19 {args:?} failed:\n{stderr}"
    );

    let results =
        Results::parse(&read(&out.path().join("results.json"))).expect("results.json parses");
    assert_eq!(results.servers.len(), 2);
    // Five workloads, and workloads 1 and 2 again in the second round.
    assert_eq!(
        results.runs.len(),
        2 * (5 + 2),
        "one run per server, workload and round"
    );
    assert!(
        results.quick && results.command.contains("--quick"),
        "{}",
        results.command
    );
    for run in &results.runs {
        assert!(
            run.error.is_none(),
            "{} · {} failed: {:?}",
            run.workload,
            run.server,
            run.error
        );
        let m = run
            .measured
            .as_ref()
            .unwrap_or_else(|| panic!("{run:?} measured nothing"));
        // Every request answered, and the server's own costs read from /proc.
        assert_eq!((m.completed, m.ok()), (m.requests, m.requests), "{run:?}");
        assert!(m.rss_peak_kib > 0 && m.threads_peak >= 1, "{run:?}");
        assert!(m.command.starts_with("--quiet -n "), "{}", m.command);
    }
    // The sequential server holds its clients back behind each /sleep; asyncio does not.
    let fast_p99 = |server| {
        results
            .measured("head-of-line", server)
            .and_then(|m| m.fast)
            .expect("fast latencies")
            .p99
    };
    assert!(
        fast_p99("py-sequential") > fast_p99("py-asyncio"),
        "sequential {} ms, asyncio {} ms",
        fast_p99("py-sequential"),
        fast_p99("py-asyncio")
    );

    for table in [
        "summary",
        "close",
        "keep-alive",
        "head-of-line",
        "c10k",
        "cpu",
        "ratios",
        "targets",
    ] {
        let text = read(&out.path().join(format!("{table}.md.txt")));
        assert!(
            text.starts_with("Measured ") && text.contains("cargo run --release -p chapter19"),
            "{table}: {text}"
        );
        assert!(text.contains("\n|---|"), "{table} has no table: {text}");
    }
    let close = read(&out.path().join("close.md.txt"));
    assert!(close.contains("| py-sequential | sequential |"), "{close}");
    for chart in ["cpu-per-request", "head-of-line", "c10k", "cpu"] {
        let svg = read(&out.path().join(format!("{chart}.svg")));
        assert!(
            svg.contains("<svg") && svg.contains("py-asyncio"),
            "{chart}.svg: {svg:.200}"
        );
    }

    // Redrawn from the saved file alone: the very same tables.
    let again = tempfile::tempdir().expect("a scratch folder");
    let saved = out.path().join("results.json");
    let output = run_runner(
        &[
            "--render-only",
            &saved.to_string_lossy(),
            "--out",
            &again.path().to_string_lossy(),
        ],
        Duration::from_secs(20),
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for table in ["summary", "close", "targets"] {
        let name = format!("{table}.md.txt");
        assert_eq!(
            read(&again.path().join(&name)),
            read(&out.path().join(&name)),
            "{name}"
        );
    }
    assert!(again.path().join("c10k.svg").is_file());
}

#[test]
fn a_server_that_dies_is_reported_not_waited_for() {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let places = Places {
        bin_dir: scratch.path().into(),
        workspace: chapter19::WORKSPACE.into(),
        scratch: scratch.path().into(),
    };
    servers::prepare_site(&places, &places.workspace.join("static")).expect("copy the site");
    let server = servers::find("py-asyncio").expect("on the roster");
    let mut running = servers::start(server, &places).expect("py-asyncio starts");
    running.kill_now();
    let started = Instant::now();
    let run = workloads::measure(
        Workload::Close,
        server,
        &mut running,
        &Workload::Close.settings(true),
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    let refused = run["load"]["errors"]["connect_refused"]
        .as_u64()
        .unwrap_or(0)
        + run["load"]["errors"]["reset"].as_u64().unwrap_or(0);
    assert_eq!(
        refused, 200,
        "every request failed, and was counted: {run:#}"
    );
}

#[test]
fn a_missing_peer_is_named_with_its_install_command() {
    let places = Places {
        bin_dir: "/nonexistent".into(),
        workspace: chapter19::WORKSPACE.into(),
        scratch: std::env::temp_dir(),
    };
    let note = servers::missing(servers::find("hyper").expect("on the roster"), &places)
        .expect("no binary in /nonexistent");
    assert!(note.contains("cargo build --release -p peers"), "{note}");
}

#[test]
fn bad_flags_exit_2_and_unknown_servers_exit_1() {
    let output = run_runner(&["--rounds", "0"], Duration::from_secs(10));
    assert_eq!(output.status.code(), Some(2));
    let output = run_runner(
        &["--no-build", "--servers", "apache"],
        Duration::from_secs(10),
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no server called \"apache\""), "{stderr}");
}
