//! Chapter 14 over TCP: the queue's bound (503 when full), a graceful shutdown that
//! drains, silent clients occupying every worker (and the idle timeout that frees
//! them), and the lock that must not be held while a job runs.

use std::io::Write;
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use testkit::Server;
use testkit::http::{Response, connect, get, get_request, read_until_close};

const BIN: &str = env!("CARGO_BIN_EXE_chapter14");

fn send_get(stream: &mut TcpStream, path: &str) {
    stream
        .write_all(get_request(path).as_bytes())
        .expect("send a request");
}

fn response(stream: &mut TcpStream) -> Response {
    let raw = read_until_close(stream).expect("a response before the deadline");
    Response::parse(&raw).expect("a well-formed response")
}

/// Waits until the accept loop has logged `stream` (so it has been accepted).
fn wait_accepted(server: &Server, stream: &TcpStream) {
    let port = stream.local_addr().expect("a local address").port();
    let line = format!("127.0.0.1:{port} -> queue");
    assert!(
        server.wait_for_output(Duration::from_secs(5), |out| out.contains(&line)),
        "never accepted: {line}\n{}",
        server.output()
    );
}

#[test]
fn a_full_queue_gets_503_with_retry_after_and_the_server_lives_on() {
    let server = Server::start(BIN, &["--threads", "1", "--queue", "1"]);
    // One worker asleep, room for one more: of four clients at least two are refused.
    let mut clients: Vec<TcpStream> = (0..4).map(|_| connect(server.addr())).collect();
    for stream in &mut clients {
        send_get(stream, "/sleep?ms=1000");
    }
    let started = Instant::now();
    let mut refused = 0;
    for stream in clients.iter_mut().rev() {
        let response = response(stream);
        if response.status == 503 {
            refused += 1;
            assert_eq!(response.header("Retry-After"), Some("1"), "{response:?}");
            response.check_framing(false).expect("a complete 503");
        } else {
            assert_eq!(response.status, 200, "{response:?}");
        }
    }
    assert!(
        refused >= 2,
        "only {refused} of 4 refused\n{}",
        server.output()
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    let after = get(server.addr(), "/").expect("GET / after the flood");
    assert_eq!(after.status, 200, "{after:?}");
}

#[test]
fn sigterm_drains_the_request_in_flight_joins_every_worker_and_exits_0() {
    let mut server = Server::start(BIN, &["--threads", "2"]);
    let mut slow = connect(server.addr());
    send_get(&mut slow, "/sleep?ms=500");
    wait_accepted(&server, &slow);
    server.signal("TERM");
    let answer = response(&mut slow);
    assert_eq!(answer.status, 200, "{answer:?}\n{}", server.output());
    server.assert_exits_cleanly(Duration::from_secs(5));
    assert!(
        server.stderr().contains("every worker joined"),
        "{}",
        server.output()
    );
}

// ANCHOR: silent_clients
/// Four silent connections on a pool of four, then a fifth client asking for `/`.
/// Returns the server, the fifth client, and when its request went out.
fn four_silent_then_one(idle_timeout: &str) -> (Server, Vec<TcpStream>, TcpStream, Instant) {
    let server = Server::start(BIN, &["--threads", "4", "--idle-timeout", idle_timeout]);
    let silent: Vec<TcpStream> = (0..4).map(|_| connect(server.addr())).collect();
    for stream in &silent {
        wait_accepted(&server, stream);
    }
    let mut fifth = connect(server.addr());
    send_get(&mut fifth, "/");
    (server, silent, fifth, Instant::now())
}

#[test]
fn four_silent_clients_occupy_four_workers_and_the_fifth_waits() {
    let (server, _silent, mut fifth, _) = four_silent_then_one("3600");
    // Nothing within two seconds (an idle pool answers `/` in a millisecond).
    assert!(
        !testkit::http::closes_within(&mut fifth, Duration::from_secs(2)),
        "the fifth client was answered although every worker was held\n{}",
        server.output()
    );
}

#[test]
fn with_a_short_idle_timeout_the_fifth_client_is_served_after_about_a_second() {
    let (server, _silent, mut fifth, sent) = four_silent_then_one("1");
    let answer = response(&mut fifth);
    let waited = sent.elapsed();
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(
        waited > Duration::from_millis(500) && waited < Duration::from_secs(5),
        "served after {waited:?}\n{}",
        server.output()
    );
}
// ANCHOR_END: silent_clients

// ANCHOR: lock_held
/// Sends two `/sleep?ms=500` at once to a pool of two and times both answers.
fn two_sleeps(extra: &[&str]) -> Duration {
    let mut args = vec!["--threads", "2"];
    args.extend_from_slice(extra);
    let server = Server::start(BIN, &args);
    let addr = server.addr();
    let started = Instant::now();
    let clients: Vec<_> = (0..2)
        .map(|_| {
            thread::spawn(move || {
                let mut stream = connect(addr);
                send_get(&mut stream, "/sleep?ms=500");
                response(&mut stream).status
            })
        })
        .collect();
    for client in clients {
        assert_eq!(client.join().expect("a client thread"), 200);
    }
    started.elapsed()
}

#[test]
fn two_workers_serve_two_slow_requests_at_once() {
    let both = two_sleeps(&[]);
    assert!(both < Duration::from_millis(900), "took {both:?}");
}

#[test]
fn holding_the_lock_during_the_job_serves_them_one_after_the_other() {
    let both = two_sleeps(&["--lock-held-during-job"]);
    assert!(both >= Duration::from_millis(990), "took only {both:?}");
}
// ANCHOR_END: lock_held
