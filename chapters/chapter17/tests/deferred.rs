//! Seed 002's `call_later(5, read)` as a tokio task: `GET /later?ms=N` is answered at
//! once, and a task of its own runs the work N ms later. At shutdown, work that comes
//! due while the requests in flight drain still runs; work due later is dropped with
//! the runtime, and the log says so.

use std::io::Write;
use std::time::{Duration, Instant};

use testkit::Server;
use testkit::http::{Response, connect, get, get_request, read_until_close};

const BIN: &str = env!("CARGO_BIN_EXE_chapter17");

#[test]
fn the_answer_is_whole_before_the_deferred_task_runs() {
    let server = Server::start(BIN, &[]);
    let started = Instant::now();
    let answer = get(server.addr(), "/later?ms=300").expect("an answer");
    let answered = started.elapsed();
    // Read before asserting anything, while the work should still be asleep.
    let log = server.stderr();
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(
        answered < Duration::from_millis(300),
        "answered in {answered:?}"
    );
    assert!(!log.contains("deferred work done"), "{log}");
    let done = |log: &str| log.contains("deferred work done, 300 ms");
    assert!(
        server.wait_for_output(Duration::from_secs(5), done),
        "{}",
        server.output()
    );
}

#[test]
fn at_shutdown_work_due_during_the_drain_runs_and_later_work_is_dropped() {
    let mut server = Server::start(BIN, &[]);
    // A request in flight keeps the drain going for most of a second.
    let mut in_flight = connect(server.addr());
    let request = get_request("/sleep?ms=800");
    in_flight.write_all(request.as_bytes()).expect("send");
    for ms in [300, 10_000] {
        let answer = get(server.addr(), &format!("/later?ms={ms}")).expect("an answer");
        assert_eq!(answer.status, 200, "{answer:?}");
    }
    server.signal("TERM");
    let slept = read_until_close(&mut in_flight).map(|raw| Response::parse(&raw));
    assert!(
        matches!(slept, Ok(Ok(ref r)) if r.status == 200),
        "{slept:?}"
    );
    server.assert_exits_cleanly(Duration::from_secs(3));
    let log = server.stderr();
    assert!(log.contains("deferred work done, 300 ms"), "{log}");
    assert_eq!(log.matches("deferred work dropped").count(), 1, "{log}");
}
