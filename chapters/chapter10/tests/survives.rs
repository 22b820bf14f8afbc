//! Chapter 10's point: one sequential server that no client can stop. Each test does
//! something that would wedge or kill chapter 09's loop, then checks the server still
//! answers the next client.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use testkit::Server;
use testkit::http::{closes_within, connect, get, get_request};

const BIN: &str = env!("CARGO_BIN_EXE_chapter10");

fn start() -> Server {
    Server::start(BIN, &["--idle-timeout", "1"])
}

fn still_answers(server: &Server) {
    let response =
        get(server.addr(), "/now").unwrap_or_else(|e| panic!("{e}\n{}", server.output()));
    assert_eq!(response.status, 200, "{response:?}\n{}", server.output());
}

#[test]
fn a_silent_client_is_dropped_and_the_client_behind_it_served() {
    let server = start();
    let mut silent = connect(server.addr());
    let started = Instant::now();
    // Queued behind the silent client: chapter 09 would make it wait forever.
    let behind = get(server.addr(), "/now").unwrap();
    assert_eq!(behind.status, 200, "{behind:?}");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(800) && waited < Duration::from_secs(4),
        "the client behind a silent one waited {waited:?} with --idle-timeout 1"
    );
    assert!(
        closes_within(&mut silent, Duration::from_secs(1)),
        "{}",
        server.output()
    );
    assert!(
        server.wait_for_output(Duration::from_secs(2), |out| out
            .contains("sent nothing before the idle timeout: closed")),
        "{}",
        server.output()
    );
}

#[test]
fn a_dribbling_client_is_cut_off_with_408() {
    let server = start();
    let mut slow = connect(server.addr());
    slow.set_nodelay(true).unwrap();
    slow.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let started = Instant::now();
    let mut received = Vec::new();
    // One byte every 200 ms: every read on the server side succeeds quickly; only a
    // deadline for the whole head can end this.
    let bytes = b"GET / HTTP/1.1\r\nX-Slow: "
        .iter()
        .chain([b'z'; 200].iter());
    for byte in bytes {
        if slow.write_all(&[*byte]).is_err() {
            break;
        }
        let mut chunk = [0u8; 1024];
        match slow.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(_) if received.is_empty() => {}
            Err(_) => break,
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still connected after 5 s"
        );
    }
    let cut_after = started.elapsed();
    assert!(
        cut_after < Duration::from_secs(3),
        "cut off only after {cut_after:?}"
    );
    let text = String::from_utf8_lossy(&received);
    assert!(
        text.starts_with("HTTP/1.1 408 "),
        "expected 408, got {text:?}"
    );
    still_answers(&server);
}

#[test]
fn a_client_leaving_mid_response_costs_a_log_line() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "home\n").unwrap();
    // Far bigger than both sockets' buffers, so the server is still writing when the
    // client goes.
    std::fs::write(site.path().join("big.bin"), vec![7u8; 16 * 1024 * 1024]).unwrap();
    let root = site.path().to_str().unwrap();
    let server = Server::start(BIN, &["--idle-timeout", "1", "--root", root]);

    let mut leaver = connect(server.addr());
    leaver
        .write_all(get_request("/big.bin").as_bytes())
        .unwrap();
    let mut start = [0u8; 12];
    leaver.read_exact(&mut start).unwrap();
    assert_eq!(&start, b"HTTP/1.1 200");
    // Closing with unread bytes makes our kernel answer the server's next data with
    // a reset: its write fails mid-response.
    drop(leaver);
    assert!(
        server.wait_for_output(Duration::from_secs(5), |out| out
            .contains("went away mid-response")),
        "{}",
        server.output()
    );
    let home = get(server.addr(), "/").unwrap();
    assert_eq!(home.body, b"home\n", "{home:?}");
}

#[test]
fn every_request_gets_a_log_line() {
    let server = start();
    still_answers(&server);
    let missing = get(server.addr(), "/no-such-page").unwrap();
    assert_eq!(missing.status, 404);
    assert!(
        server.wait_for_output(Duration::from_secs(2), |out| out
            .contains("\"GET /now\" 200 ")
            && out.contains("\"GET /no-such-page\" 404 ")),
        "{}",
        server.output()
    );
}

#[test]
fn sigterm_and_sigint_stop_it_with_status_0() {
    for signal in ["TERM", "INT"] {
        let mut server = start();
        still_answers(&server);
        server.signal(signal);
        let status = server.wait_exit(Duration::from_secs(5));
        assert!(
            status.is_some_and(|s| s.success()),
            "SIG{signal} gave {status:?}\n{}",
            server.output()
        );
    }
}

#[test]
fn the_signal_is_logged_before_stopped_every_time() {
    // The signal thread and the main thread race to stderr, and the process may end
    // before a line is written: one run proves little, so stop the server several
    // times. Each takes a few milliseconds.
    for run in 1..=10 {
        let mut server = start();
        server.signal("INT");
        server.assert_exits_cleanly(Duration::from_secs(5));
        // The process has exited; give our reader of its stderr a moment to catch up.
        server.wait_for_output(Duration::from_secs(2), |out| out.contains("stopped"));
        let stderr = server.stderr();
        let signal = stderr.find("SIGINT: no new connections");
        let stopped = stderr.find("stopped");
        assert!(
            matches!((signal, stopped), (Some(s), Some(t)) if s < t),
            "run {run}: the SIGINT line must come before `stopped`:\n{stderr}"
        );
    }
}
