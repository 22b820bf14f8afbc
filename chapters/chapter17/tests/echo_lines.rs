//! Seed 004's echo protocol as tokio tasks: every client gets the right answers,
//! clients do not wait for each other, and a client that leaves is logged and gives its
//! place under `--max-clients` back; `echo-lines-load` checks every reply. A client
//! costs a task, not a thread.

use testkit::Server;
use webcore::echo::checks;

const BIN: &str = env!("CARGO_BIN_EXE_echo-lines");

#[test]
fn clients_cost_tasks_not_threads() {
    let server = Server::start(BIN, &["--max-clients", "100"]);
    let with_2 = checks::threads_while_connected(server.addr(), server.pid(), 2);
    let with_40 = checks::threads_while_connected(server.addr(), server.pid(), 40);
    // The runtime's workers (one per core) and the main thread, however many clients.
    assert_eq!(with_2, with_40, "{}", server.output());
}

// ANCHOR: all_at_once_test
#[test]
fn clients_are_answered_right_and_at_the_same_time() {
    let server = Server::start(BIN, checks::AT_ONCE_FLAGS);
    checks::all_at_once(server.addr(), &|| server.stderr()).unwrap_or_else(|why| panic!("{why}"));
}
// ANCHOR_END: all_at_once_test

#[test]
fn the_load_client_checks_every_reply() {
    let server = Server::start(BIN, &[]);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_echo-lines-load"))
        .args(["--clients", "20", "--messages", "5", "--interval-ms", "20"])
        .args(["--rounds", "2", &server.addr().to_string()])
        .output()
        .expect("run echo-lines-load");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("clients ok: 40/40, replies ok: 200/200"),
        "{stdout}"
    );
}
