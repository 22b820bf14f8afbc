//! What chapter 18 adds beyond the contract's keep-alive checks: loops on every core,
//! processes on one port, a bound on what one connection can make the server hold, and
//! static files from memory that still change when the file does.

use std::fs;
use std::io::Write;
use std::time::{Duration, Instant};

use testkit::Server;
use testkit::http::{self, KeepAlive, connect, get_request};

const BIN: &str = env!("CARGO_BIN_EXE_chapter18");

fn keep_alive_get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n")
}

/// Nanoseconds each thread called `name` has spent on a CPU (`/proc/PID/task/*/schedstat`).
fn run_time_of_threads(pid: u32, name: &str) -> Vec<u64> {
    let mut times = Vec::new();
    let tasks = fs::read_dir(format!("/proc/{pid}/task")).expect("the server's threads");
    for task in tasks.flatten() {
        let comm = fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim() != name {
            continue;
        }
        let schedstat = fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
        let ns = schedstat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok());
        times.push(ns.unwrap_or(0));
    }
    times
}

// ANCHOR: spread_test
#[test]
fn with_two_loops_both_serve_connections() {
    let server = Server::start(BIN, &["--threads", "2"]);
    let pid = server.pid();
    let before = [
        run_time_of_threads(pid, "loop 0"),
        run_time_of_threads(pid, "loop 1"),
    ];
    assert!(
        before.iter().all(|t| t.len() == 1),
        "two loop threads: {before:?}"
    );
    // SO_REUSEPORT spreads connections by a hash of their addresses: with 60 of them,
    // a loop that got none would be a one-in-10^18 chance, or a bug.
    let mut clients: Vec<KeepAlive> = (0..60).map(|_| KeepAlive::connect(server.addr())).collect();
    for client in &mut clients {
        client.send(keep_alive_get("/").as_bytes()).expect("send");
        let response = client.read_response(false).expect("an answer");
        assert_eq!(response.status, 200, "{response:?}");
    }
    let after = [
        run_time_of_threads(pid, "loop 0"),
        run_time_of_threads(pid, "loop 1"),
    ];
    for (n, (b, a)) in before.iter().zip(&after).enumerate() {
        assert!(
            a[0] > b[0],
            "loop {n} did no work: {before:?} then {after:?}"
        );
    }
}
// ANCHOR_END: spread_test

/// The worker processes of a supervisor (`/proc/PID/task/PID/children`).
fn children(pid: u32) -> Vec<u32> {
    fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect()
}

// ANCHOR: processes_test
#[test]
fn processes_share_the_port_and_a_crashed_one_is_replaced() {
    let mut server = Server::start(BIN, &["--processes", "2", "--threads", "1"]);
    let workers = children(server.pid());
    assert_eq!(workers.len(), 2, "two worker processes: {workers:?}");
    assert_eq!(
        http::get(server.addr(), "/").expect("an answer").status,
        200
    );
    // One worker crashes (SIGKILL: no clean-up at all). The port keeps answering, and
    // the supervisor starts another.
    let killed = workers[0];
    let status = std::process::Command::new("kill")
        .args(["-KILL", &killed.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    assert!(
        testkit::wait_until(Duration::from_secs(5), || {
            let now = children(server.pid());
            now.len() == 2 && !now.contains(&killed)
        }),
        "no replacement for the killed worker:\n{}",
        server.output()
    );
    for _ in 0..20 {
        assert_eq!(
            http::get(server.addr(), "/").expect("an answer").status,
            200
        );
    }
    // SIGTERM reaches every worker through the supervisor; all exit 0.
    let workers = children(server.pid());
    server.signal("TERM");
    server.assert_exits_cleanly(Duration::from_secs(10));
    for worker in workers {
        assert!(
            testkit::wait_until(Duration::from_secs(3), || !std::path::Path::new(&format!(
                "/proc/{worker}"
            ))
            .exists()),
            "worker {worker} outlived the supervisor"
        );
    }
}
// ANCHOR_END: processes_test

#[test]
fn the_last_request_a_connection_may_carry_says_close() {
    let server = Server::start(BIN, &["--max-requests", "3"]);
    let mut client = KeepAlive::connect(server.addr());
    for n in 1..=3 {
        client.send(keep_alive_get("/").as_bytes()).expect("send");
        let response = client.read_response(false).expect("an answer");
        let wanted = if n < 3 { "keep-alive" } else { "close" };
        assert_eq!(
            response.header("Connection"),
            Some(wanted),
            "answer {n}: {response:?}"
        );
    }
    assert!(http::closes_within(
        &mut client.stream,
        Duration::from_secs(2)
    ));
}

// ANCHOR: slow_reader_test
#[test]
fn a_client_that_pipelines_and_never_reads_cannot_make_the_server_buffer_its_answers() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let big: Vec<u8> = (0..4 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    fs::write(dir.path().join("big.bin"), &big).expect("write big.bin");
    let root = dir.path().to_str().expect("a UTF-8 temp path");
    let server = Server::start(BIN, &["--root", root, "--threads", "1"]);
    let rss = || -> u64 {
        let status =
            fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap_or_default();
        let line = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .unwrap_or("VmRSS: 0 kB");
        line.split_whitespace()
            .nth(1)
            .and_then(|kb| kb.parse().ok())
            .unwrap_or(0)
    };
    let before = rss();
    // 100 requests for 4 MiB each, 400 MiB of answers, and not one byte read.
    let mut hog = connect(server.addr());
    let batch: String = (0..100).map(|_| keep_alive_get("/big.bin")).collect();
    hog.write_all(batch.as_bytes()).expect("send the batch");
    // Watch for a second: the server answers one request at a time and holds at most
    // one answer per connection, so it never holds more than a few of the 400 MiB.
    let started = Instant::now();
    let mut peak = before;
    while started.elapsed() < Duration::from_secs(1) {
        peak = peak.max(rss());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        peak < before + 32 * 1024,
        "RSS grew from {before} kB to {peak} kB"
    );
    // And everyone else is still served.
    assert_eq!(
        http::get(server.addr(), "/big.bin")
            .expect("an answer")
            .body
            .len(),
        big.len()
    );
}
// ANCHOR_END: slow_reader_test

#[test]
fn a_changed_file_is_served_fresh_within_the_cache_time() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    fs::write(dir.path().join("news.txt"), "old\n").expect("write");
    let root = dir.path().to_str().expect("a UTF-8 temp path");
    let server = Server::start(BIN, &["--root", root, "--file-cache-secs", "1"]);
    let body = || {
        http::send(server.addr(), get_request("/news.txt").as_bytes())
            .expect("an answer")
            .body
    };
    assert_eq!(body(), b"old\n");
    fs::write(dir.path().join("news.txt"), "new\n").expect("rewrite");
    assert!(
        testkit::wait_until(Duration::from_secs(3), || body() == b"new\n"),
        "the changed file was still served old after 3 s"
    );
}
