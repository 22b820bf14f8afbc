//! Seed 004's echo protocol on one mio event loop: every client gets the right
//! answers, clients do not wait for each other, and a client that leaves is logged and
//! gives its place under `--max-clients` back. All of it from a single thread.

use testkit::Server;
use webcore::echo::checks;

const BIN: &str = env!("CARGO_BIN_EXE_echo-lines-mio");

#[test]
fn one_thread_serves_every_client() {
    let server = Server::start(BIN, &[]);
    let threads = checks::threads_while_connected(server.addr(), server.pid(), 20);
    assert_eq!(threads, Ok(1), "{}", server.output());
}

// ANCHOR: all_at_once_test
#[test]
fn clients_are_answered_right_and_at_the_same_time() {
    let server = Server::start(BIN, checks::AT_ONCE_FLAGS);
    checks::all_at_once(server.addr(), &|| server.stderr()).unwrap_or_else(|why| panic!("{why}"));
}
// ANCHOR_END: all_at_once_test
