//! Many clients at once, as tasks: every test here would fail against a server that
//! serves one connection at a time, and the `/cpu` one against a runtime that ran the
//! CPU work on its own worker thread.

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use testkit::Server;
use testkit::http::{Response, connect, get, get_request, read_until_close};

const BIN: &str = env!("CARGO_BIN_EXE_chapter17");

fn read_response(stream: &mut TcpStream) -> Response {
    let raw = read_until_close(stream).expect("a response before the close");
    Response::parse(&raw).expect("a well-formed response")
}

#[test]
fn five_thousand_connections_open_at_once_all_get_an_answer() {
    // This test process holds 5,000 sockets itself, more than a default soft limit of
    // 1,024 open files allows: raise its own limit (the server raises its own).
    webcore::fd_limit::raise_open_files(6_000);
    let server = Server::start(BIN, &["--idle-timeout", "60"]);
    // Open every connection first: a server that served them one after another
    // would leave all but one of them waiting here.
    let mut streams: Vec<TcpStream> = (0..5000).map(|_| connect(server.addr())).collect();
    // Then send on all of them, last to first, then read.
    for stream in streams.iter_mut().rev() {
        stream
            .write_all(get_request("/").as_bytes())
            .expect("send a request");
    }
    let mut ok = 0;
    for stream in &mut streams {
        let response = read_response(stream);
        if response.status == 200 {
            ok += 1;
        }
    }
    assert_eq!(ok, 5000, "{}", server.stderr().lines().last().unwrap_or(""));
}

#[test]
fn two_hundred_sleeps_of_a_second_take_about_a_second_together() {
    let server = Server::start(BIN, &[]);
    let started = Instant::now();
    let mut streams: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut stream = connect(server.addr());
            stream
                .write_all(get_request("/sleep?ms=1000").as_bytes())
                .expect("send a request");
            stream
        })
        .collect();
    for stream in &mut streams {
        let response = read_response(stream);
        assert_eq!(response.status, 200, "{response:?}");
    }
    let took = started.elapsed();
    // One after another they would take 200 s; 200 threads would do it too, at a cost.
    assert!(took >= Duration::from_millis(1000), "{took:?}");
    assert!(took < Duration::from_millis(3000), "{took:?}");
}

#[test]
fn cpu_work_on_the_blocking_pool_does_not_hold_up_a_single_worker() {
    // One worker thread: had `/cpu` burned on it, nothing else could run for a second.
    let server = Server::start(BIN, &["--threads", "1"]);
    let addr = server.addr();
    let done = Arc::new(AtomicBool::new(false));
    let cpu_done = Arc::clone(&done);
    let cpu = thread::spawn(move || {
        let started = Instant::now();
        let response = get(addr, "/cpu?ms=1000");
        cpu_done.store(true, Ordering::SeqCst);
        (response, started.elapsed())
    });
    // Ask for `/` over and over while the CPU request is in flight.
    let mut answered_meanwhile = 0;
    let mut slowest = Duration::ZERO;
    while !done.load(Ordering::SeqCst) {
        let started = Instant::now();
        let response = get(addr, "/").expect("GET /");
        assert_eq!(response.status, 200, "{response:?}");
        slowest = slowest.max(started.elapsed());
        if !done.load(Ordering::SeqCst) {
            answered_meanwhile += 1;
        }
    }
    let (cpu_response, cpu_took) = cpu.join().expect("the /cpu client");
    let cpu_response = cpu_response.expect("GET /cpu");
    assert_eq!(cpu_response.status, 200, "{cpu_response:?}");
    assert!(cpu_took >= Duration::from_millis(1000), "{cpu_took:?}");
    assert!(
        answered_meanwhile >= 3 && slowest < Duration::from_millis(600),
        "only {answered_meanwhile} GET / answered during /cpu?ms=1000, slowest {slowest:?}"
    );
}
