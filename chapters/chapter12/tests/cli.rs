//! The binary: its JSON report, exit codes, and a quiet stderr when not on a terminal.

mod support;

use std::process::Command;

use support::{Answer, TestServer};

fn chapter12(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chapter12"))
        .args(args)
        .output()
        .expect("run the chapter12 binary")
}

#[test]
fn json_output_is_one_object_with_the_counts() {
    let server = TestServer::start(|n, _| Answer::Status(if n < 2 { 404 } else { 200 }));
    let out = chapter12(&["--json", "-n", "10", "-c", "2", "-k", &server.url("/")]);
    assert!(out.status.success(), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(report["completed"], 10, "{report}");
    assert_eq!(report["status_codes"]["200"], 8, "{report}");
    assert_eq!(report["non_2xx"], 2, "{report}");
    assert_eq!(report["error_count"], 0, "{report}");
    assert!(report["latency_ms"]["p99"].as_f64().is_some(), "{report}");
    assert!(
        report["requests_per_second"]
            .as_f64()
            .is_some_and(|r| r > 0.0),
        "{report}"
    );
    // stderr is a pipe here, not a terminal: no progress bar, no escape codes.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn text_report_names_every_figure() {
    let server = TestServer::start(|_, _| Answer::Status(200));
    let out = chapter12(&["-n", "5", &server.url("/")]);
    let text = String::from_utf8_lossy(&out.stdout);
    for label in [
        "Requests/s:",
        "Total time:",
        "Transfer:",
        "p50",
        "p90",
        "p99",
        "max",
        "Status codes:",
        "200: 5",
        "Non-2xx:",
        "Errors:",
    ] {
        assert!(text.contains(label), "no {label:?} in:\n{text}");
    }
}

#[test]
fn bad_flags_exit_2_and_a_bad_url_exits_1() {
    let out = chapter12(&["-n", "0", "http://127.0.0.1:1/"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = chapter12(&["--slow-share", "1.5", "http://127.0.0.1:1/"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = chapter12(&["https://127.0.0.1:1/"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("only http://"),
        "one `error: ` line, as in every chapter: {stderr}"
    );
}
