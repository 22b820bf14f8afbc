//! Chapter 02 against a listener inside the test: the client must send exactly the
//! request the chapter writes by hand, and print the response exactly as received.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_chapter02");

/// A canned response with a body that is not valid UTF-8, so a client that turned
/// bytes into text on the way would be caught.
const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhi\xff\x00\r\n";

/// Reads a request head from `stream` (with a deadline) and returns it.
fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a non-zero timeout is valid");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) | Err(_) => break,
            Ok(_) => head.push(byte[0]),
        }
    }
    head
}

/// Runs chapter02 with `args` (the listener's address first) against a one-shot
/// server that records the request and answers with `answer`, then keeps the
/// connection open if `close` is false. Returns the client's output, the request it
/// sent, and the address it was given.
fn run_against(answer: &'static [u8], close: bool, args: &[&str]) -> (Output, Vec<u8>, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let addr = listener.local_addr().expect("bound address");
    let (request_tx, request_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    // Detached on purpose: if the client never connects, the test fails on the
    // channel's deadline below instead of hanging in `accept`.
    thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let head = read_head(&mut stream);
        let _ = request_tx.send(head);
        let _ = stream.write_all(answer);
        if !close {
            // Hold the connection open until the test is done with it.
            let _ = release_rx.recv_timeout(Duration::from_secs(20));
        }
    });
    let addr = addr.to_string();
    let output = Command::new(BIN)
        .arg(&addr)
        .args(args)
        .output()
        .expect("run chapter02");
    drop(release_tx);
    let request = request_rx
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("chapter02 sent no request; it printed {output:?}"));
    (output, request, addr)
}

#[test]
fn sends_the_hand_written_request_and_prints_the_response_byte_for_byte() {
    let (output, request, addr) = run_against(RESPONSE, true, &["/hello"]);
    // `Host` carries the HOST:PORT exactly as given on the command line.
    assert_eq!(
        String::from_utf8_lossy(&request),
        format!("GET /hello HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        output.stdout, RESPONSE,
        "stdout must be the response, unchanged"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("> GET /hello HTTP/1.1\\r\\n"), "{stderr}");
}

#[test]
fn the_path_defaults_to_slash() {
    let (output, request, _) = run_against(RESPONSE, true, &[]);
    assert!(
        request.starts_with(b"GET / HTTP/1.1\r\n"),
        "{:?}",
        String::from_utf8_lossy(&request)
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn a_server_that_never_closes_is_given_up_on_with_exit_1() {
    let (output, _, _) = run_against(b"HTTP/1.1 200 OK\r\n", false, &["/", "--read-timeout", "1"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    // What did arrive is still printed.
    assert_eq!(output.stdout, b"HTTP/1.1 200 OK\r\n");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no more bytes within 1s"), "{stderr}");
}

#[test]
fn a_refused_connection_is_one_line_and_exit_1() {
    // Bind, note the port, and free it: nothing listens there now.
    let addr = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let output = Command::new(BIN)
        .arg(addr.to_string())
        .output()
        .expect("run chapter02");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with(&format!("error: cannot connect to {addr}")),
        "{stderr}"
    );
}
