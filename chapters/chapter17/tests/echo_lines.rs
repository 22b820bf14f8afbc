//! The seed's echo protocol: `echo-lines` answers each line with the previous one
//! and itself, drops silent clients, and `echo-lines-load` checks it all.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `echo-lines`, killed on drop.
struct EchoServer {
    child: Child,
    addr: SocketAddr,
}

impl EchoServer {
    fn start(args: &[&str]) -> EchoServer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_echo-lines"))
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start echo-lines");
        let stdout = child.stdout.take().expect("stdout is piped");
        // The ready line comes first, and reading it blocks only until it is printed.
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the ready line");
        let addr = line
            .trim()
            .rsplit("tcp://")
            .next()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no tcp://ADDR in {line:?}"));
        EchoServer { child, addr }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a read timeout");
        stream
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_exactly(stream: &mut TcpStream, len: usize) -> String {
    let mut reply = vec![0u8; len];
    stream
        .read_exact(&mut reply)
        .expect("a reply of the expected length");
    String::from_utf8_lossy(&reply).into_owned()
}

#[test]
fn each_line_comes_back_after_the_previous_one() {
    let server = EchoServer::start(&[]);
    let mut first = server.connect();
    let mut second = server.connect();
    first.write_all(b"Hello World!:0\n").unwrap();
    assert_eq!(read_exactly(&mut first, 15), "Hello World!:0\n");
    // Another client keeps its own previous line.
    second.write_all(b"other\n").unwrap();
    assert_eq!(read_exactly(&mut second, 6), "other\n");
    first.write_all(b"Hello World!:1\n").unwrap();
    assert_eq!(
        read_exactly(&mut first, 30),
        "Hello World!:0\nHello World!:1\n"
    );
    // A line sent in two pieces is still one line.
    first.write_all(b"Hello ").unwrap();
    first.write_all(b"World!:2\n").unwrap();
    assert_eq!(
        read_exactly(&mut first, 30),
        "Hello World!:1\nHello World!:2\n"
    );
}

#[test]
fn a_silent_client_is_disconnected_after_the_idle_limit() {
    let server = EchoServer::start(&["--idle", "1"]);
    let mut client = server.connect();
    client.write_all(b"one\n").unwrap();
    assert_eq!(read_exactly(&mut client, 4), "one\n");
    let started = Instant::now();
    let mut rest = Vec::new();
    let closed = client.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(closed.is_ok() && rest.is_empty(), "{closed:?} {rest:?}");
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(4),
        "{waited:?}"
    );
}

#[test]
fn the_load_client_checks_every_reply() {
    let server = EchoServer::start(&[]);
    let output = Command::new(env!("CARGO_BIN_EXE_echo-lines-load"))
        .args(["--clients", "20", "--messages", "5", "--interval-ms", "20"])
        .args(["--rounds", "2", &server.addr.to_string()])
        .output()
        .expect("run echo-lines-load");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("clients ok: 40/40, replies ok: 200/200"),
        "{stdout}"
    );
}
