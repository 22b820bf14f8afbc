//! What the server refuses: silent clients, too many clients, and a clean stop.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use testkit::Server;
use testkit::http::{Response, closes_within, connect, get, read_until_close};

const BIN: &str = env!("CARGO_BIN_EXE_chapter17");

#[test]
fn idle_and_dribbling_clients_are_shed_while_others_are_served() {
    let server = Server::start(BIN, &["--idle-timeout", "1"]);
    let started = Instant::now();
    let mut silent: Vec<TcpStream> = (0..200).map(|_| connect(server.addr())).collect();
    let mut partial: Vec<TcpStream> = (0..50)
        .map(|_| {
            let mut stream = connect(server.addr());
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                .expect("send half a request");
            stream
        })
        .collect();
    // While they hang around, everyone else is served at once.
    let response = get(server.addr(), "/").expect("GET /");
    assert_eq!(response.status, 200, "{response:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
    for stream in &mut silent {
        assert!(
            closes_within(stream, Duration::from_secs(5)),
            "a silent client stayed"
        );
    }
    for stream in &mut partial {
        let raw = read_until_close(stream).expect("408 then a close");
        let response = Response::parse(&raw).expect("a response");
        assert_eq!(response.status, 408, "{response:?}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_connection_after_the_cap_gets_503_with_retry_after() {
    let server = Server::start(BIN, &["--max-connections", "10", "--idle-timeout", "30"]);
    // Ten silent clients take every permit (accepted in order, before the eleventh).
    let mut holders: Vec<TcpStream> = (0..10).map(|_| connect(server.addr())).collect();
    let response = get(server.addr(), "/").expect("GET / as the eleventh");
    assert_eq!(response.status, 503, "{response:?}");
    assert_eq!(response.header("Retry-After"), Some("1"), "{response:?}");
    // One leaves: its permit comes back and the next client is served.
    drop(holders.pop());
    let served = testkit::wait_until(Duration::from_secs(5), || {
        get(server.addr(), "/").is_ok_and(|r| r.status == 200)
    });
    assert!(served, "{}", server.output());
}
