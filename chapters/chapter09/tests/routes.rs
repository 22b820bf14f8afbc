//! Chapter 09's own checks: the route table answers through webcore, with the default
//! root, and a path that exists answers other methods with 405 and the full `Allow`.

use testkit::Server;
use testkit::http::{get, send};

#[test]
fn the_default_root_is_the_workspace_site() {
    let server = Server::start(env!("CARGO_BIN_EXE_chapter09"), &[]);
    let response = get(server.addr(), "/").unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    response.check_framing(false).unwrap();
    let on_disk = std::fs::read(testkit::workspace_root().join("static/index.html")).unwrap();
    assert_eq!(response.body, on_disk, "{response:?}");
}

#[test]
fn a_route_with_two_methods_lists_both_in_allow() {
    let server = Server::start(env!("CARGO_BIN_EXE_chapter09"), &[]);
    let request = b"DELETE /parameters HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let response = send(server.addr(), request).unwrap();
    assert_eq!(response.status, 405, "{response:?}");
    assert_eq!(
        response.header("Allow"),
        Some("GET, HEAD, POST"),
        "{response:?}"
    );
    response.check_framing(false).unwrap();
}

#[test]
fn a_request_sent_one_byte_per_write_is_answered() {
    use std::io::Write;
    let server = Server::start(env!("CARGO_BIN_EXE_chapter09"), &[]);
    let mut stream = testkit::http::connect(server.addr());
    stream.set_nodelay(true).unwrap();
    // Every byte its own write: the server's reads see the request in many pieces,
    // and webcore's parser says `Incomplete` until the last one.
    for byte in b"GET /now HTTP/1.1\r\nHost: localhost\r\n\r\n" {
        stream.write_all(&[*byte]).unwrap();
    }
    let raw = testkit::http::read_until_close(&mut stream).unwrap();
    let response = testkit::http::Response::parse(&raw).unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    assert!(response.text().contains("GMT"), "{response:?}");
}
