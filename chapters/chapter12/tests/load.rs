//! The load generator against in-test servers: counts, keep-alive, errors, mixed loads.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use chapter12::ErrorKind;
use support::{Answer, TestServer, measure};

fn statuses(pairs: &[(u16, u64)]) -> BTreeMap<u16, u64> {
    pairs.iter().copied().collect()
}

fn errors(pairs: &[(ErrorKind, u64)]) -> BTreeMap<ErrorKind, u64> {
    pairs.iter().copied().collect()
}

#[test]
fn sends_exactly_n_requests_over_one_connection_each() {
    let server = TestServer::start(|_, _| Answer::Status(200));
    let report = measure(&["-n", "37", "-c", "5", "--threads", "2", &server.url("/")]);
    assert_eq!(report.completed(), 37, "{report:#?}");
    assert_eq!(report.statuses, statuses(&[(200, 37)]), "{report:#?}");
    assert!(report.errors.is_empty(), "{report:#?}");
    // Without -k every request pays for its own connection.
    assert_eq!(
        (report.connections, server.accepts(), server.requests()),
        (37, 37, 37)
    );
    // Every byte of every response is counted, head and body.
    let one = "HTTP/1.1 200 Whatever\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
    assert_eq!(report.bytes, 37 * one.len() as u64, "{report:#?}");
    assert_eq!(report.all.expect("responses").count, 37);
}

#[test]
fn a_server_that_ignores_connection_close_is_closed_by_the_client() {
    let server = TestServer::start(|_, _| Answer::IgnoresClose);
    let started = std::time::Instant::now();
    let report = measure(&["-n", "20", "-c", "2", "--timeout", "3", &server.url("/")]);
    assert_eq!(report.completed(), 20, "{report:#?}");
    assert!(report.errors.is_empty(), "{report:#?}");
    // Waiting for a close that never comes would cost each connection its whole
    // `--timeout`: 10 rounds of 3 s.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.accepts(), 20);
}

#[test]
fn keep_alive_reuses_each_connection() {
    let server = TestServer::start(|_, _| Answer::Status(200));
    let report = measure(&["-n", "100", "-c", "4", "-k", &server.url("/")]);
    assert_eq!(report.statuses, statuses(&[(200, 100)]), "{report:#?}");
    assert_eq!(
        server.accepts(),
        4,
        "4 concurrent clients should open 4 connections"
    );
    assert_eq!(report.connections, 4);
}

#[test]
fn fewer_requests_than_clients_opens_only_what_is_needed() {
    let server = TestServer::start(|_, _| Answer::Status(200));
    let report = measure(&["-n", "3", "-c", "10", "-k", &server.url("/")]);
    assert_eq!(
        (report.completed(), server.accepts()),
        (3, 3),
        "{report:#?}"
    );
}

#[test]
fn non_2xx_responses_are_counted_by_status_not_as_errors() {
    // Every third request gets a 500.
    let server = TestServer::start(|n, _| Answer::Status(if n % 3 == 2 { 500 } else { 200 }));
    let report = measure(&["-n", "30", "-c", "3", "-k", &server.url("/")]);
    assert_eq!(
        report.statuses,
        statuses(&[(200, 20), (500, 10)]),
        "{report:#?}"
    );
    assert_eq!(report.non_2xx(), 10);
    assert_eq!(report.error_count(), 0);
}

#[test]
fn a_server_that_closes_without_answering_gives_closed_early_errors() {
    let server = TestServer::start(|_, _| Answer::Close);
    let report = measure(&["-n", "12", "-c", "3", &server.url("/")]);
    assert_eq!(
        report.errors,
        errors(&[(ErrorKind::ClosedEarly, 12)]),
        "{report:#?}"
    );
    assert_eq!(report.responses, 0);
}

#[test]
fn a_reset_is_classified_as_reset() {
    let server = TestServer::start(|_, _| Answer::Reset);
    let report = measure(&["-n", "6", "-c", "2", &server.url("/")]);
    assert_eq!(
        report.errors,
        errors(&[(ErrorKind::Reset, 6)]),
        "{report:#?}"
    );
}

#[test]
fn garbage_is_a_bad_response() {
    let server = TestServer::start(|_, _| Answer::Garbage);
    let report = measure(&["-n", "4", "-c", "2", &server.url("/")]);
    assert_eq!(
        report.errors,
        errors(&[(ErrorKind::BadResponse, 4)]),
        "{report:#?}"
    );
}

#[test]
fn nobody_listening_is_connect_refused() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    }; // dropped: the port is closed again
    let report = measure(&["-n", "5", "-c", "2", &format!("http://127.0.0.1:{port}/")]);
    assert_eq!(
        report.errors,
        errors(&[(ErrorKind::ConnectRefused, 5)]),
        "{report:#?}"
    );
}

#[test]
fn a_server_that_never_answers_gives_timeouts() {
    let server = TestServer::start(|_, _| Answer::Never);
    let report = measure(&["-n", "4", "-c", "2", "--timeout", "0.2", &server.url("/")]);
    assert_eq!(
        report.errors,
        errors(&[(ErrorKind::Timeout, 4)]),
        "{report:#?}"
    );
    // Two rounds of 0.2 s, with a generous margin for a busy machine.
    assert!(
        report.elapsed < Duration::from_secs(3),
        "{:?}",
        report.elapsed
    );
}

#[test]
fn a_kept_alive_connection_the_server_closed_is_retried_not_failed() {
    // The server says keep-alive but closes after every answer, as an idle timeout would.
    let server = TestServer::start(|_, _| Answer::OkThenClose);
    let report = measure(&["-n", "30", "-c", "3", "-k", &server.url("/")]);
    assert_eq!(report.statuses, statuses(&[(200, 30)]), "{report:#?}");
    assert_eq!(report.error_count(), 0, "{report:#?}");
}

#[test]
fn a_mixed_workload_reports_fast_and_slow_requests_apart() {
    let server = TestServer::start(|_, target| {
        if target.starts_with("/slow") {
            Answer::After(Duration::from_millis(150))
        } else {
            Answer::Status(200)
        }
    });
    let report = measure(&[
        "-n",
        "40",
        "-c",
        "4",
        "-k",
        "--slow-url",
        "/slow",
        "--slow-share",
        "0.1",
        &server.url("/"),
    ]);
    let (fast, slow) = (
        report.fast.expect("fast responses"),
        report.slow.expect("slow ones"),
    );
    assert_eq!((fast.count, slow.count), (36, 4), "{report:#?}");
    assert!(
        report
            .slow_url
            .as_deref()
            .is_some_and(|u| u.ends_with("/slow"))
    );
    // Every slow request waited its 150 ms; the fast median did not.
    assert!(slow.p50 >= 150_000 && fast.p50 < 150_000, "{report:#?}");
    assert_eq!(report.all.expect("responses").count, 40);
}

#[test]
fn server_pid_reports_the_cpu_time_of_that_process() {
    // The in-test server runs inside this very test process: measure ourselves.
    let server = TestServer::start(|_, _| Answer::Status(200));
    let pid = std::process::id().to_string();
    let report = measure(&[
        "-n",
        "50",
        "-c",
        "2",
        "-k",
        "--server-pid",
        &pid,
        &server.url("/"),
    ]);
    let cpu = report
        .server_cpu
        .expect("--server-pid gives a server CPU figure");
    assert!(
        cpu.seconds >= 0.0 && cpu.micros_per_request(50) >= 0.0,
        "{cpu:?}"
    );
    assert!(
        report.to_text().contains("µs/request"),
        "{}",
        report.to_text()
    );
}
