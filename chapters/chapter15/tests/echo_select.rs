//! The seed's select() echo server on mio: many clients at once, 16 bytes at a time,
//! and a line on stdin stops it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::Shutdown;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use testkit::Server;
use testkit::http::connect;

const BIN: &str = env!("CARGO_BIN_EXE_echo-select");

// ANCHOR: two_clients_test
#[test]
fn a_second_client_is_echoed_while_the_first_stays_connected() {
    let server = Server::start(BIN, &[]);
    // The first client connects, speaks, and does not hang up: a server that serves
    // one client until it leaves (the seed's blocking version) never gets to the second.
    let mut first = connect(server.addr());
    first.write_all(b"hello from the first").expect("send");
    let mut second = connect(server.addr());
    second.write_all(b"hi, second here").expect("send");
    let mut echo = [0u8; 15];
    second
        .read_exact(&mut echo)
        .expect("the second client's echo");
    assert_eq!(&echo, b"hi, second here");
    let mut echo = [0u8; 20];
    first
        .read_exact(&mut echo)
        .expect("the first client's echo");
    assert_eq!(&echo, b"hello from the first");
}
// ANCHOR_END: two_clients_test

#[test]
fn a_long_message_comes_back_whole_through_partial_writes() {
    let server = Server::start(BIN, &[]);
    let client = connect(server.addr());
    // 2 MiB, far more than the socket buffers hold: while we are still sending, the
    // server's writes back to us hit WouldBlock, and it must keep what it could not send.
    let message: Vec<u8> = (0..2 * 1024 * 1024).map(|i| (i % 253) as u8).collect();
    let mut writer = client.try_clone().expect("clone");
    let to_send = message.clone();
    let sender = thread::spawn(move || {
        writer.write_all(&to_send).expect("send the message");
        writer.shutdown(Shutdown::Write).expect("half-close");
    });
    let mut received = Vec::new();
    let mut reader = client;
    reader.read_to_end(&mut received).expect("read the echo");
    sender.join().expect("the sender thread");
    assert_eq!(received.len(), message.len());
    assert!(received == message, "the echo differs from the message");
}

#[test]
fn a_line_on_stdin_stops_the_server() {
    let mut child = Command::new(BIN)
        .args(["--addr", "127.0.0.1:0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start echo-select");
    let stdout = child.stdout.take().expect("piped");
    let mut ready = String::new();
    BufReader::new(stdout)
        .read_line(&mut ready)
        .expect("the ready line");
    assert!(ready.contains("http://127.0.0.1:"), "{ready}");
    let mut stdin = child.stdin.take().expect("piped");
    stdin.write_all(b"\n").expect("press Enter");
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("echo-select still runs 5 s after a line on stdin");
        }
        thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "{status}");
}
