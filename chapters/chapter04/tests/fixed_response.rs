//! Chapter 04 over real TCP: every connection gets the same valid HTTP response,
//! framed by a correct Content-Length, one connection after another.

use std::io::Write;

use testkit::Server;
use testkit::http::{Response, connect, exchange, get, read_until_close, replay_command};

const BIN: &str = env!("CARGO_BIN_EXE_chapter04");

/// Checks what chapter 04 promises about its one response.
fn check(response: &Response) {
    assert_eq!(response.version, "HTTP/1.1", "{response:?}");
    assert_eq!(
        (response.status, response.reason.as_str()),
        (200, "OK"),
        "{response:?}"
    );
    assert_eq!(
        response.header("Content-Type"),
        Some("text/html; charset=utf-8"),
        "{response:?}"
    );
    assert_eq!(response.header("Connection"), Some("close"), "{response:?}");
    let length: usize = response
        .header("Content-Length")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no numeric Content-Length\n{response:?}"));
    assert_eq!(
        length,
        response.body.len(),
        "Content-Length vs body\n{response:?}"
    );
    assert!(
        response.text().contains("<h1>Hello from a raw socket</h1>"),
        "{response:?}"
    );
}

#[test]
fn every_connection_in_a_row_gets_the_same_valid_response() {
    let server = Server::start(BIN, &[]);
    let mut first = None;
    for path in ["/", "/favicon.ico", "/anything?at=all", "/", "/x"] {
        let response =
            get(server.addr(), path).unwrap_or_else(|e| panic!("{e}\n{}", server.output()));
        check(&response);
        // Fixed means fixed: the same bytes whatever was asked.
        let first = first.get_or_insert_with(|| response.clone());
        assert_eq!(&response, first, "request for {path}");
    }
}

#[test]
fn the_body_counts_bytes_not_characters() {
    let server = Server::start(BIN, &[]);
    let response = get(server.addr(), "/").unwrap_or_else(|e| panic!("{e}"));
    check(&response);
    // The page holds an em dash (three bytes, one character): a length taken in
    // characters would be short, and this test would catch it.
    assert!(
        response.text().chars().count() < response.body.len(),
        "{response:?}"
    );
}

#[test]
fn the_minimal_request_from_the_chapter_gets_exactly_the_response_bytes() {
    let server = Server::start(BIN, &[]);
    let request = b"GET / HTTP/1.1\r\n\r\n";
    let raw = exchange(server.addr(), request).unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.starts_with(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
        ) && text.contains("\r\nConnection: close\r\n\r\n<!DOCTYPE html>"),
        "{text}\n  request: {}",
        replay_command(server.addr(), request)
    );
    check(&Response::parse(&raw).unwrap_or_else(|e| panic!("{e}")));
}

#[test]
fn a_head_split_across_writes_is_answered_once_it_is_complete() {
    let server = Server::start(BIN, &[]);
    let mut stream = connect(server.addr());
    for piece in ["GET / HT", "TP/1.1\r\nHost: loc", "alhost\r\n", "\r\n"] {
        stream.write_all(piece.as_bytes()).expect("send a piece");
        stream.flush().expect("flush");
    }
    let raw = read_until_close(&mut stream).unwrap_or_else(|e| panic!("{e}"));
    check(&Response::parse(&raw).unwrap_or_else(|e| panic!("{e}")));
}

#[test]
fn a_client_that_connects_and_leaves_without_a_word_costs_nothing() {
    let server = Server::start(BIN, &[]);
    drop(connect(server.addr()));
    let response = get(server.addr(), "/").unwrap_or_else(|e| panic!("{e}\n{}", server.output()));
    check(&response);
    assert!(
        server.wait_for_output(std::time::Duration::from_secs(5), |out| out
            .contains("sent no request")),
        "{}",
        server.output()
    );
}
