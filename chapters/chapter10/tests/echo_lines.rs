//! Seed 004's echo protocol, one client at a time: every client gets the right
//! answers, but the second of two waits for the first to leave. A client that hangs up
//! is logged, and the one behind it is served; a silent one is dropped.

use testkit::Server;
use webcore::echo::checks;

// ANCHOR: one_at_a_time_test
#[test]
fn clients_are_answered_right_but_one_after_another() {
    let server = Server::start(
        env!("CARGO_BIN_EXE_echo-lines-sequential"),
        checks::SEQUENTIAL_FLAGS,
    );
    checks::one_at_a_time(server.addr(), &|| server.stderr()).unwrap_or_else(|why| panic!("{why}"));
}
// ANCHOR_END: one_at_a_time_test
