//! Chapter 06 over real TCP: proper responses (Date, Server, Content-Type, lengths that
//! match), HEAD, and the right status for each kind of bad request. Chapter 05 answered
//! everything with 200 or 400, waited for any declared body, and sent no Date.

use std::io::Write;
use std::time::{Duration, Instant, SystemTime};

use testkit::Server;
use testkit::http::{self, Response};

fn server() -> Server {
    Server::start(env!("CARGO_BIN_EXE_chapter06"), &[])
}

fn send(server: &Server, raw: &[u8]) -> Response {
    http::send(server.addr(), raw).unwrap_or_else(|e| panic!("{e}\n{}", server.output()))
}

#[test]
fn the_home_page_is_a_proper_response() {
    let server = server();
    let response = http::get(server.addr(), "/").unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.reason, "OK");
    response.check_framing(false).unwrap();
    assert_eq!(
        response.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(response.header("Connection"), Some("close"));
    assert!(response.text().contains("<h1>"), "{response:?}");

    // The Date is today's, in the one format HTTP allows (RFC 9110's IMF-fixdate).
    let date = response.header("Date").expect("checked by check_framing");
    let sent = httpdate_parse(date);
    let age = SystemTime::now()
        .duration_since(sent)
        .unwrap_or(Duration::ZERO);
    assert!(age < Duration::from_secs(60), "Date {date:?} is not now");
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT` by hand, so the test does not trust the
/// crate the server uses to write it.
fn httpdate_parse(text: &str) -> SystemTime {
    let parts: Vec<&str> = text.split([' ', ':']).collect();
    assert_eq!(parts.len(), 8, "not an IMF-fixdate: {text:?}");
    assert_eq!(parts[7], "GMT", "not in GMT: {text:?}");
    let day: u64 = parts[1]
        .parse()
        .expect("an IMF-fixdate has numbers and a month name here");
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = months
        .iter()
        .position(|m| *m == parts[2])
        .expect("an IMF-fixdate has numbers and a month name here") as u64
        + 1;
    let year: u64 = parts[3]
        .parse()
        .expect("an IMF-fixdate has numbers and a month name here");
    let (h, m, s): (u64, u64, u64) = (
        parts[4]
            .parse()
            .expect("an IMF-fixdate has numbers and a month name here"),
        parts[5]
            .parse()
            .expect("an IMF-fixdate has numbers and a month name here"),
        parts[6]
            .parse()
            .expect("an IMF-fixdate has numbers and a month name here"),
    );
    // Days since 1970 (civil-from-days, inverted: Howard Hinnant's algorithm).
    let (y, mo) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    SystemTime::UNIX_EPOCH + Duration::from_secs(days * 86_400 + h * 3600 + m * 60 + s)
}

#[test]
fn head_sends_the_headers_of_get_and_no_body() {
    let server = server();
    let get = http::get(server.addr(), "/").unwrap();
    let head = send(&server, b"HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(head.status, 200, "{head:?}");
    head.check_framing(true).unwrap();
    assert!(head.body.is_empty(), "{head:?}");
    assert_eq!(head.header("Content-Length"), get.header("Content-Length"));
    assert_eq!(head.header("Content-Type"), get.header("Content-Type"));
}

#[test]
fn an_unknown_path_is_404() {
    let server = server();
    let response = http::get(server.addr(), "/nothing-here").unwrap();
    assert_eq!(response.status, 404, "{response:?}");
    response.check_framing(false).unwrap();
}

#[test]
fn other_methods_get_405_with_allow() {
    let server = server();
    for method in ["POST", "PUT", "DELETE", "BREW"] {
        let raw = format!("{method} / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
        let response = send(&server, raw.as_bytes());
        assert_eq!(response.status, 405, "{method}: {response:?}");
        assert_eq!(response.header("Allow"), Some("GET, HEAD"), "{response:?}");
        response.check_framing(false).unwrap();
    }
}

#[test]
fn other_http_versions_get_505_and_garbage_versions_400() {
    let server = server();
    for version in ["HTTP/2.0", "HTTP/1.2", "HTTP/3"] {
        let raw = format!("GET / {version}\r\nHost: localhost\r\n\r\n");
        let response = send(&server, raw.as_bytes());
        assert_eq!(response.status, 505, "{version}: {response:?}");
        response.check_framing(false).unwrap();
    }
    let response = send(&server, b"GET / HTPT/1.1\r\n\r\n");
    assert_eq!(response.status, 400, "{response:?}");
}

#[test]
fn a_head_over_8_kib_gets_431() {
    let server = server();
    let raw = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(9 * 1024)
    );
    let response = send(&server, raw.as_bytes());
    assert_eq!(response.status, 431, "{response:?}");
    response.check_framing(false).unwrap();

    // Just under the limit is fine.
    let raw = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(7 * 1024)
    );
    assert_eq!(send(&server, raw.as_bytes()).status, 200);
}

#[test]
fn a_declared_body_over_1_mib_gets_413_before_it_is_sent() {
    let server = server();
    // Only the head is sent: a server that waited for the two mebibytes would never
    // answer (chapter 05 does exactly that).
    let mut stream = http::connect(server.addr());
    let started = Instant::now();
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2097152\r\n\r\n")
        .unwrap();
    let raw = http::read_until_close(&mut stream).unwrap();
    let response = Response::parse(&raw).unwrap();
    assert_eq!(response.status, 413, "{response:?}");
    response.check_framing(false).unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn bad_input_never_stops_the_server() {
    let server = server();
    for raw in [
        &b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET / HTTP/1.1\r\n: no name\r\n\r\n",
        &[0xff; 100][..],
    ] {
        let response = send(&server, raw);
        assert_eq!(response.status, 400, "{response:?}");
        assert_eq!(http::get(server.addr(), "/").unwrap().status, 200);
    }
}
