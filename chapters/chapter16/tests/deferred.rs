//! Seed 002's `call_later(5, read)` on chapter 16's timers: `GET /later?ms=N` is
//! answered at once, and the work runs N ms later from the same timers as every
//! deadline, in the order it comes due. Work still waiting when the server stops is
//! dropped, and the log says so, one line each.

use std::time::{Duration, Instant};

use testkit::Server;
use testkit::http::get;

const BIN: &str = env!("CARGO_BIN_EXE_chapter16");

// ANCHOR: answer_first_test
#[test]
fn each_client_has_its_whole_answer_before_its_deferred_work_runs() {
    let server = Server::start(BIN, &[]);
    let started = Instant::now();
    // Due last first: the timers, not the order of the requests, decide.
    for ms in [900, 300, 600] {
        let answer = get(server.addr(), &format!("/later?ms={ms}")).expect("an answer");
        assert_eq!(answer.status, 200, "{answer:?}");
    }
    // `get` read each answer to the end: all three clients have theirs, and no work
    // has run, though the second was planned for 300 ms after its answer.
    let answered = started.elapsed();
    let log = server.stderr();
    assert!(
        !log.contains("deferred work done"),
        "after {answered:?}: {log}"
    );
    assert!(
        answered < Duration::from_millis(200),
        "answers took {answered:?}"
    );
    let all_done = |log: &str| log.matches("deferred work done").count() == 3;
    assert!(
        server.wait_for_output(Duration::from_secs(5), all_done),
        "{}",
        server.output()
    );
    let log = server.stderr();
    let done_at = |ms: u64| log.find(&format!("deferred work done, {ms} ms"));
    let order = [done_at(300), done_at(600), done_at(900)];
    assert!(order[0].is_some() && order.is_sorted(), "{log}");
}
// ANCHOR_END: answer_first_test

// ANCHOR: shutdown_test
#[test]
fn work_still_waiting_at_shutdown_is_dropped_and_logged() {
    let mut server = Server::start(BIN, &[]);
    for _ in 0..2 {
        let answer = get(server.addr(), "/later?ms=10000").expect("an answer");
        assert_eq!(answer.status, 200, "{answer:?}");
    }
    server.signal("TERM");
    // No waiting 10 s for work no client waits for: the loop stops as it would
    // without it.
    server.assert_exits_cleanly(Duration::from_secs(3));
    let log = server.stderr();
    assert_eq!(log.matches("deferred work dropped").count(), 2, "{log}");
    assert!(!log.contains("deferred work done"), "{log}");
}
// ANCHOR_END: shutdown_test
