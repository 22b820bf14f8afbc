//! Chapter 05 over real TCP: a request is whole however it is split across writes, a
//! body is read by `Content-Length`, and malformed input gets a 400 without harming the
//! next client. Chapter 04 answered after a single `read`, so it fails the split tests.

use std::io::Write;
use std::thread;
use std::time::Duration;

use testkit::Server;
use testkit::http::{self, Response};

fn server() -> Server {
    Server::start(env!("CARGO_BIN_EXE_chapter05"), &[])
}

/// Writes `pieces` one after another with a pause in between, so each is likely to
/// arrive (and be read) on its own, then reads the answer.
fn send_in_pieces(server: &Server, pieces: &[&[u8]]) -> Response {
    let mut stream = http::connect(server.addr());
    stream.set_nodelay(true).expect("setting TCP_NODELAY");
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            // Not synchronisation: the pause is the point of the test. It gives the
            // server time to read (and try to parse) what it has so far.
            thread::sleep(Duration::from_millis(50));
        }
        stream
            .write_all(piece)
            .expect("writing a piece of the request");
    }
    let raw = http::read_until_close(&mut stream).expect("reading the answer");
    Response::parse(&raw).unwrap_or_else(|e| panic!("{e}\n{}", server.output()))
}

#[test]
fn a_simple_get_is_described() {
    let server = server();
    let response = http::get(server.addr(), "/hello?x=1").unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    let text = response.text();
    assert!(text.contains("method: GET"), "{response:?}");
    assert!(text.contains("path: /hello\n"), "{response:?}");
    assert!(text.contains("query: x=1"), "{response:?}");
    assert!(text.contains("headers: 2"), "{response:?}");
    assert_eq!(
        response.header("Content-Length"),
        Some(response.body.len().to_string().as_str())
    );
}

#[test]
fn a_request_split_over_three_writes_is_parsed_whole() {
    let server = server();
    let response = send_in_pieces(
        &server,
        &[
            b"GET /split HT",
            b"TP/1.1\r\nHost: localhost\r\nX-Pieces: th",
            b"ree\r\nConnection: close\r\n\r\n",
        ],
    );
    assert_eq!(response.status, 200, "{response:?}");
    assert!(response.text().contains("path: /split\n"), "{response:?}");
    assert!(response.text().contains("headers: 3"), "{response:?}");
}

#[test]
fn a_body_arriving_after_the_head_is_waited_for() {
    let server = server();
    let response = send_in_pieces(
        &server,
        &[
            b"POST /form HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\n",
            b"hello",
            b" world",
        ],
    );
    assert_eq!(response.status, 200, "{response:?}");
    assert!(response.text().contains("method: POST"), "{response:?}");
    assert!(response.text().contains("body: 11 bytes"), "{response:?}");
}

#[test]
fn a_request_sent_byte_by_byte_is_parsed_whole() {
    let server = server();
    let raw = b"POST /slow HTTP/1.0\r\nContent-Length: 2\r\n\r\nok";
    let pieces: Vec<&[u8]> = raw.chunks(1).collect();
    let mut stream = http::connect(server.addr());
    stream.set_nodelay(true).expect("setting TCP_NODELAY");
    for piece in pieces {
        stream.write_all(piece).expect("writing one byte");
        stream.flush().expect("flushing");
    }
    let raw = http::read_until_close(&mut stream).unwrap();
    let response = Response::parse(&raw).unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    assert!(
        response.text().contains("version: HTTP/1.0"),
        "{response:?}"
    );
    assert!(response.text().contains("body: 2 bytes"), "{response:?}");
}

#[test]
fn malformed_requests_get_400_and_the_server_lives_on() {
    let server = server();
    for raw in [
        &b"HELLO\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: lots\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    ] {
        let response = http::send(server.addr(), raw).unwrap();
        assert_eq!(
            response.status,
            400,
            "{response:?}\n  request: {}",
            http::replay_command(server.addr(), raw)
        );
        let next = http::get(server.addr(), "/").unwrap();
        assert_eq!(next.status, 200, "{next:?}\n{}", server.output());
    }
}

#[test]
fn a_client_that_leaves_mid_request_gets_400_and_harms_no_one() {
    let server = server();
    let mut stream = http::connect(server.addr());
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: loc")
        .expect("writing half a request");
    http::finish_sending(&stream);
    let raw = http::read_until_close(&mut stream).unwrap();
    let response = Response::parse(&raw).unwrap();
    assert_eq!(response.status, 400, "{response:?}");

    let next = http::get(server.addr(), "/").unwrap();
    assert_eq!(next.status, 200, "{next:?}");
}
