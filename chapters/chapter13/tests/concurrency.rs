//! Chapter 13's point, proved over TCP: while slow requests are in flight, fast ones
//! are still answered at once. The same test run against chapter 11 (one connection at
//! a time) shows the fast requests waiting, so a sequential server cannot pass it.

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use testkit::Server;
use testkit::http::{Response, connect, get_request, read_until_close};

const SLOW: usize = 3;
const SLOW_MS: u64 = 2000;
const FAST: usize = 20;
/// "Quickly": well under the sleep, with a generous margin for a busy two-core machine.
const QUICK: Duration = Duration::from_millis(1000);

/// What the clients saw.
struct Observed {
    /// How many of the fast requests got a 200 within [`QUICK`].
    fast_in_time: usize,
    /// The slowest of those, for the failure message.
    slowest: Duration,
}

// ANCHOR: fast_beside_slow
/// Starts `binary`, puts `SLOW` requests for `/sleep?ms=2000` in flight, then asks
/// for `/` `FAST` times and counts the answers that arrive within `QUICK`.
///
/// Built so that serving one connection at a time cannot pass: every connection is
/// open before any fast request is sent, the slow ones were accepted first, and the
/// fast requests go out last-to-first.
fn fast_beside_slow(binary: &str) -> (Server, Observed) {
    let server = Server::start(binary, &["--idle-timeout", "10"]);
    let addr = server.addr();
    let mut slow: Vec<TcpStream> = (0..SLOW).map(|_| connect(addr)).collect();
    for stream in &mut slow {
        let request = get_request(&format!("/sleep?ms={SLOW_MS}"));
        stream
            .write_all(request.as_bytes())
            .expect("send a slow request");
    }
    let mut fast: Vec<TcpStream> = (0..FAST).map(|_| connect(addr)).collect();
    let started = Instant::now();
    for stream in fast.iter_mut().rev() {
        stream
            .write_all(get_request("/").as_bytes())
            .expect("send a fast request");
    }
    let mut observed = Observed {
        fast_in_time: 0,
        slowest: Duration::ZERO,
    };
    for stream in fast.iter_mut().rev() {
        let left = QUICK.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        stream.set_read_timeout(Some(left)).expect("a timeout");
        let answered = read_until_close(stream)
            .ok()
            .and_then(|raw| Response::parse(&raw).ok())
            .is_some_and(|response| response.status == 200);
        if answered && started.elapsed() < QUICK {
            observed.fast_in_time += 1;
            observed.slowest = started.elapsed();
        }
    }
    (server, observed)
}
// ANCHOR_END: fast_beside_slow

#[test]
fn fast_requests_are_answered_while_slow_ones_sleep() {
    let started = Instant::now();
    let (server, observed) = fast_beside_slow(env!("CARGO_BIN_EXE_chapter13"));
    assert_eq!(
        observed.fast_in_time,
        FAST,
        "only {} of {FAST} fast requests were answered within {QUICK:?} (slowest {:?})\n{}",
        observed.fast_in_time,
        observed.slowest,
        server.output()
    );
    // The fast ones did not wait for the sleeps, which are still running.
    assert!(started.elapsed() < Duration::from_millis(SLOW_MS));
}

/// Chapter 11's binary: built into the same target folder by `cargo test` at the
/// workspace root (or `cargo build -p chapter11`).
fn chapter11_binary() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_BIN_EXE_chapter13")).with_file_name("chapter11");
    path.is_file().then_some(path)
}

#[test]
fn the_same_test_against_chapter_11_shows_fast_requests_waiting() {
    let Some(chapter11) = chapter11_binary() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chapter11's binary is missing next to chapter13's: CI must build the whole workspace"
        );
        eprintln!(
            "note: skipped: build chapter 11 first (`cargo build -p chapter11`, with the same \
             CARGO_TARGET_DIR) to compare with the sequential server"
        );
        return;
    };
    let (server, observed) = fast_beside_slow(&chapter11.to_string_lossy());
    assert_eq!(
        observed.fast_in_time,
        0,
        "chapter 11 serves one connection at a time, yet {} fast requests beat the sleeps\n{}",
        observed.fast_in_time,
        server.output()
    );
}

#[test]
fn the_log_says_who_speaks() {
    let server = Server::start(env!("CARGO_BIN_EXE_chapter13"), &[]);
    let response = testkit::http::get(server.addr(), "/").expect("GET /");
    assert_eq!(response.status, 200, "{response:?}");
    let logged = server.wait_for_output(Duration::from_secs(5), |out| {
        out.contains("server: 127.0.0.1:") && out.contains("worker 1: 127.0.0.1:")
    });
    assert!(logged, "{}", server.output());
}
