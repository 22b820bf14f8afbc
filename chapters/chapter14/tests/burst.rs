//! A burst of clients at once. Every one of them gets a whole answer, a 200 or a 503,
//! and none a reset or silence: a 503 that is lost on the way is worse than none, since
//! the client sees a broken connection, and a load tool counts a failure (`ab` even
//! hangs). And at the defaults a burst of 100 quick requests is served, not refused.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use testkit::Server;
use testkit::http::{Response, get_request};

const BIN: &str = env!("CARGO_BIN_EXE_chapter14");
/// Each client's whole exchange must end within this, answer or not.
const DEADLINE: Duration = Duration::from_secs(10);

// ANCHOR: one_client
/// One client of a burst: connect, wait until every client of the burst is connected,
/// send `GET /`, read until the server closes. Anything but a whole response followed
/// by a clean close is a failure, described.
///
/// Waiting for the others makes the race certain: by the time a request leaves, the
/// server has accepted the connection, found the queue full, and decided what to do.
fn one_client(addr: SocketAddr, all_connected: &Barrier) -> Result<Response, String> {
    let mut stream =
        TcpStream::connect_timeout(&addr, DEADLINE).map_err(|e| format!("connect: {e}"))?;
    let deadlines = stream
        .set_read_timeout(Some(DEADLINE))
        .and_then(|()| stream.set_write_timeout(Some(DEADLINE)));
    deadlines.map_err(|e| format!("set a deadline: {e}"))?;
    all_connected.wait();
    stream
        .write_all(get_request("/").as_bytes())
        .map_err(|e| format!("write: {e}"))?;
    let mut received = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("read failed after {} bytes: {e}", received.len())),
        }
    }
    // A reset that came after the answer still counts: `read` reports the EOF first,
    // and the error waits in the socket (SO_ERROR). Load tools see it.
    if let Ok(Some(e)) = stream.take_error() {
        return Err(format!("{e} after {} bytes", received.len()));
    }
    let response = Response::parse(&received)?;
    response.check_framing(false)?;
    Ok(response)
}
// ANCHOR_END: one_client

/// Sends `clients` requests at once, one thread each; returns how many got 200 and
/// how many 503, and panics naming every client that got anything else.
fn burst(server: &Server, clients: usize) -> (usize, usize) {
    let addr = server.addr();
    let started = Instant::now();
    let all_connected = Arc::new(Barrier::new(clients));
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let all_connected = Arc::clone(&all_connected);
            thread::spawn(move || one_client(addr, &all_connected))
        })
        .collect();
    let (mut ok, mut refused, mut failures) = (0, 0, Vec::new());
    for (i, client) in threads.into_iter().enumerate() {
        match client.join().expect("a client thread") {
            Ok(response) if response.status == 200 => ok += 1,
            Ok(response) if response.status == 503 => refused += 1,
            Ok(response) => failures.push(format!("client {i}: unexpected {response:?}")),
            Err(why) => failures.push(format!("client {i}: {why}")),
        }
    }
    let log: Vec<String> = server
        .output()
        .lines()
        .rev()
        .take(20)
        .map(String::from)
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {clients} clients got no whole answer ({ok} got 200, {refused} got 503) in {:?}:\n{}\nthe server's last lines:\n{}",
        failures.len(),
        started.elapsed(),
        failures.join("\n"),
        log.join("\n")
    );
    (ok, refused)
}

#[test]
fn every_client_of_a_burst_of_400_gets_a_whole_200_or_503() {
    // Two workers and room for four waiting: most of the burst is turned away, and
    // every one of those 503s must arrive.
    let server = Server::start(BIN, &["--threads", "2", "--queue", "4"]);
    let (ok, refused) = burst(&server, 400);
    assert!(ok > 0 && refused > 0, "{ok} got 200, {refused} got 503");
}

#[test]
fn at_the_defaults_a_burst_of_100_quick_requests_is_served_not_refused() {
    // At most 100 connections are open at once, and the default queue has room for
    // more than that: nobody needs to be turned away.
    let server = Server::start(BIN, &[]);
    let (ok, refused) = burst(&server, 100);
    assert_eq!((ok, refused), (100, 0), "{}", server.output());
}
