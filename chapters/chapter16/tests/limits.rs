//! Chapter 16's mechanisms, each over real TCP: timers that fire on time, `/cpu` off the
//! loop, the connection cap, and slow clients shed by the idle deadline.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use testkit::Server;
use testkit::http::{Response, closes_within, connect, get, get_request, read_until_close};

const BIN: &str = env!("CARGO_BIN_EXE_chapter16");

fn answer(stream: &mut TcpStream) -> Response {
    let raw = read_until_close(stream).expect("an answer");
    Response::parse(&raw).expect("a well-formed answer")
}

// ANCHOR: precise_sleep_test
#[test]
fn a_sleep_ends_when_its_timer_says_not_at_the_next_sweep() {
    let server = Server::start(BIN, &[]);
    let mut took: Vec<Duration> = (0..5)
        .map(|_| {
            let started = Instant::now();
            let response = get(server.addr(), "/sleep?ms=100").expect("an answer");
            assert_eq!(response.status, 200, "{response:?}");
            started.elapsed()
        })
        .collect();
    took.sort();
    // Chapter 15's 250 ms sweep answers a 100 ms sleep after 100 to 350 ms.
    assert!(took[0] >= Duration::from_millis(100), "{took:?}");
    assert!(took[2] < Duration::from_millis(180), "median {:?}", took[2]);
}
// ANCHOR_END: precise_sleep_test

// ANCHOR: many_sleeps_test
#[test]
fn two_hundred_sleeps_at_once_take_about_one_second_in_all() {
    let server = Server::start(BIN, &[]);
    let mut clients: Vec<TcpStream> = (0..200).map(|_| connect(server.addr())).collect();
    let started = Instant::now();
    for client in &mut clients {
        client
            .write_all(get_request("/sleep?ms=1000").as_bytes())
            .expect("send");
    }
    for client in &mut clients {
        let response = answer(client);
        assert_eq!(response.status, 200, "{response:?}");
    }
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1000) && took < Duration::from_millis(1800),
        "200 one-second sleeps took {took:?}"
    );
}
// ANCHOR_END: many_sleeps_test

// ANCHOR: cpu_test
#[test]
fn cpu_work_does_not_delay_a_fast_request() {
    let server = Server::start(BIN, &[]);
    let before = server.cpu_ticks();
    let mut burner = connect(server.addr());
    burner
        .write_all(get_request("/cpu?ms=500").as_bytes())
        .expect("send");
    // Wait until a worker is visibly burning (0.1 s of CPU), so `/` surely overlaps it.
    assert!(
        testkit::wait_until(Duration::from_secs(3), || server.cpu_ticks() >= before + 10),
        "the server never started burning CPU"
    );
    let started = Instant::now();
    let response = get(server.addr(), "/").expect("a fast answer");
    let waited = started.elapsed();
    assert_eq!(response.status, 200);
    assert!(
        waited < Duration::from_millis(250),
        "GET / took {waited:?} while /cpu?ms=500 ran"
    );
    assert_eq!(answer(&mut burner).status, 200);
}
// ANCHOR_END: cpu_test

// ANCHOR: cap_test
#[test]
fn at_the_connection_cap_new_clients_wait_until_a_slot_frees() {
    let server = Server::start(BIN, &["--max-connections", "3"]);
    let addr = server.addr();
    let mut silent: Vec<TcpStream> = (0..3).map(|_| connect(addr)).collect();
    assert!(
        testkit::wait_until(Duration::from_secs(3), || {
            testkit::accept_queue_len(addr) == Some(0)
        }),
        "the server should accept the first three"
    );
    let mut fourth = connect(addr);
    fourth.write_all(get_request("/").as_bytes()).expect("send");
    // The fourth stays in the kernel's backlog: connected, not accepted, not answered.
    assert!(
        testkit::wait_until(Duration::from_secs(3), || {
            testkit::accept_queue_len(addr) == Some(1)
        }),
        "the fourth client should wait in the backlog"
    );
    assert!(
        server.wait_for_output(Duration::from_secs(3), |out| out
            .contains("--max-connections")),
        "no log line about the cap:\n{}",
        server.output()
    );
    // One of the three leaves: the fourth is accepted and answered at once.
    let started = Instant::now();
    drop(silent.pop());
    let response = answer(&mut fourth);
    assert_eq!(response.status, 200, "{response:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
// ANCHOR_END: cap_test

// ANCHOR: slowloris_test
#[test]
fn slowloris_clients_are_shed_and_the_client_behind_them_is_served() {
    // Fifty dribblers fill every slot; each sends a byte every 200 ms, so no single
    // read ever waits long, but none finishes its head within the 1 s idle timeout.
    let server = Server::start(BIN, &["--idle-timeout", "1", "--max-connections", "50"]);
    let addr = server.addr();
    let mut dribblers: Vec<TcpStream> = (0..50).map(|_| connect(addr)).collect();
    for dribbler in &mut dribblers {
        dribbler
            .write_all(b"GET / HTTP/1.1\r\nX-Slow: ")
            .expect("send");
    }
    let dribbling = thread::spawn(move || {
        for _ in 0..15 {
            for dribbler in &mut dribblers {
                let _ = dribbler.write_all(b"X"); // fails once the server hung up
            }
            thread::sleep(Duration::from_millis(200)); // the slowness under test
        }
        dribblers
    });
    // Behind them, a normal client: it waits in the backlog until the dribblers are
    // cut off at 1 s, then is served.
    let started = Instant::now();
    let response = get(addr, "/").expect("an answer once the slots free");
    let waited = started.elapsed();
    assert_eq!(response.status, 200, "{response:?}");
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");

    let mut dribblers = dribbling.join().expect("the dribbling thread");
    let still_open = dribblers
        .iter_mut()
        .map(|d| closes_within(d, Duration::from_millis(100)))
        .filter(|closed| !closed)
        .count();
    assert_eq!(still_open, 0, "dribblers still connected after 3 s");
}
// ANCHOR_END: slowloris_test

// ANCHOR: budget_test
#[test]
fn over_the_output_budget_new_answers_wait_for_slow_readers() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let big: Vec<u8> = (0..8 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    fs::write(dir.path().join("big.bin"), &big).expect("write big.bin");
    fs::write(dir.path().join("index.html"), "<h1>small</h1>\n").expect("write index");
    let root = dir.path().to_str().expect("a UTF-8 temp path");
    let server = Server::start(BIN, &["--root", root, "--max-output-mib", "2"]);
    let addr = server.addr();
    // A client asks for 8 MiB and reads only the status line: most of the answer
    // waits in the server, over the 2 MiB budget.
    let mut hog = connect(addr);
    hog.write_all(get_request("/big.bin").as_bytes())
        .expect("send");
    let mut status = [0u8; 12];
    hog.read_exact(&mut status).expect("the status line");
    // The next request is parked, not answered.
    let mut small = connect(addr);
    small.write_all(get_request("/").as_bytes()).expect("send");
    assert!(
        server.wait_for_output(Duration::from_secs(3), |out| out.contains("parked")),
        "no request was parked:\n{}",
        server.output()
    );
    // Once the slow reader takes its bytes, the parked request is answered.
    let mut raw = status.to_vec();
    raw.extend(read_until_close(&mut hog).expect("the rest of big.bin"));
    let whole = Response::parse(&raw).expect("a well-formed answer");
    assert!(
        whole.body == big,
        "big.bin arrived with {} bytes",
        whole.body.len()
    );
    let response = answer(&mut small);
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body, b"<h1>small</h1>\n");
}
// ANCHOR_END: budget_test
