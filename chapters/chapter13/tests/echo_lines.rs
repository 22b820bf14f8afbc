//! Seed 004's echo protocol with a thread per client: every client gets the right
//! answers, clients do not wait for each other, and a client that leaves is logged and
//! gives its place under `--max-clients` back. The price: a thread for every client.

use testkit::Server;
use webcore::echo::checks;

const BIN: &str = env!("CARGO_BIN_EXE_echo-lines-threads");

#[test]
fn every_client_has_a_thread_of_its_own() {
    let server = Server::start(BIN, &[]);
    let threads = checks::threads_while_connected(server.addr(), server.pid(), 20);
    // The accepting thread, and one per client.
    assert!(
        threads.as_ref().is_ok_and(|&n| n > 20),
        "{threads:?}\n{}",
        server.output()
    );
}

// ANCHOR: all_at_once_test
#[test]
fn clients_are_answered_right_and_at_the_same_time() {
    let server = Server::start(BIN, checks::AT_ONCE_FLAGS);
    checks::all_at_once(server.addr(), &|| server.stderr()).unwrap_or_else(|why| panic!("{why}"));
}
// ANCHOR_END: all_at_once_test
