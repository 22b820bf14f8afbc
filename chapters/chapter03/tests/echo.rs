//! Chapter 03 over real TCP: the echo is byte-exact for long messages, and the server
//! serves one client at a time, so a second client waits until the first closes.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use testkit::Server;
use testkit::http::{connect, read_until_close};

const SERVER: &str = env!("CARGO_BIN_EXE_chapter03");
const CLIENT: &str = env!("CARGO_BIN_EXE_echo-client");

fn echo_client(server: &Server, args: &[&str]) -> Output {
    Command::new(CLIENT)
        .args(["--addr", &server.addr().to_string(), "--read-timeout", "10"])
        .args(args)
        .output()
        .expect("run echo-client")
}

/// Reads exactly `len` bytes (the deadline comes from `testkit::http::connect`).
fn read_exactly(stream: &mut TcpStream, len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    stream.read_exact(&mut bytes).expect("read the echo");
    bytes
}

#[test]
fn a_long_message_comes_back_byte_for_byte() {
    let server = Server::start(SERVER, &[]);
    let output = echo_client(&server, &["--bytes", "400000"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{output:?}\n{}",
        server.output()
    );
    assert!(
        stdout.contains("done: 400000 bytes came back intact"),
        "{stdout}"
    );
}

#[test]
fn a_long_binary_message_comes_back_byte_for_byte_to_a_raw_socket() {
    let server = Server::start(SERVER, &[]);
    // Every byte value, in an order that repeats only every 251 bytes, so a lost or
    // doubled 16-byte chunk shows.
    let message: Vec<u8> = (0..512 * 1024u32).map(|i| (i % 251) as u8).collect();
    let mut stream = connect(server.addr());
    let mut writer = stream.try_clone().expect("clone the socket");
    // Read while writing: see the chapter on why writing everything first deadlocks.
    let sent = message.clone();
    let sender = std::thread::spawn(move || {
        writer.write_all(&sent).expect("send the message");
        writer.shutdown(Shutdown::Write).expect("half-close");
    });
    let echo = read_until_close(&mut stream).expect("read the echo");
    sender.join().expect("the sender does not panic");
    assert!(
        echo == message,
        "sent {} bytes, got {} back, different",
        message.len(),
        echo.len()
    );
}

#[test]
fn a_second_client_waits_until_the_first_one_closes() {
    let server = Server::start(SERVER, &[]);

    // A is connected and being served: its echo comes back.
    let mut a = connect(server.addr());
    a.write_all(b"first").expect("A sends");
    assert_eq!(read_exactly(&mut a, 5), b"first");

    // B connects too (the kernel completes the handshake for a queued connection)
    // and sends, but nobody reads its bytes while the server is busy with A.
    let mut b = connect(server.addr());
    b.write_all(b"hi").expect("B sends");
    b.set_read_timeout(Some(Duration::from_millis(500)))
        .expect("a non-zero timeout is valid");
    let mut buffer = [0u8; 16];
    match b.read(&mut buffer) {
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) => {}
        other => panic!(
            "B got {other:?} while A was still connected\n{}",
            server.output()
        ),
    }

    // A is still served after B's failed wait: the server is on A, not stuck.
    a.write_all(b"again").expect("A sends again");
    assert_eq!(read_exactly(&mut a, 5), b"again");

    // A closes; only now does the server accept B and echo the bytes B sent long ago.
    a.shutdown(Shutdown::Write).expect("A half-closes");
    assert_eq!(read_until_close(&mut a).expect("A sees the close"), b"");
    b.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a non-zero timeout is valid");
    assert_eq!(read_exactly(&mut b, 2), b"hi", "{}", server.output());
    b.shutdown(Shutdown::Write).expect("B half-closes");
    assert_eq!(read_until_close(&mut b).expect("B sees the close"), b"");
}

/// `[HH:MM:SS.mmm]` at the start of the echo client's line containing `what`, in ms.
fn wall_clock_ms(stdout: &str, what: &str) -> u64 {
    let line = stdout
        .lines()
        .find(|line| line.contains(what))
        .unwrap_or_else(|| panic!("no {what:?} line in\n{stdout}"));
    let clock = line
        .get(1..13)
        .unwrap_or_else(|| panic!("no clock in {line:?}"));
    let parts: Vec<u64> = clock
        .split([':', '.'])
        .map(|n| {
            n.parse()
                .unwrap_or_else(|_| panic!("bad clock in {line:?}"))
        })
        .collect();
    ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + parts[3]
}

#[test]
fn the_echo_clients_timestamps_show_a_short_message_waiting_for_a_long_one() {
    let server = Server::start(SERVER, &[]);
    let addr = server.addr().to_string();
    // A: 16 writes of 4 KiB, 40 ms apart, so it holds the server for about 0.6 s.
    let mut a = Command::new(CLIENT)
        .args([
            "--addr",
            &addr,
            "--bytes",
            "65536",
            "--chunk",
            "4096",
            "--delay-ms",
            "40",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start client A");
    // Wait until A's connection is queued before B connects, so A is first in line.
    let mut a_stdout = a.stdout.take().expect("piped above");
    let mut first = [0u8; 1];
    a_stdout
        .read_exact(&mut first)
        .expect("A reports its connection");

    let b = echo_client(&server, &["--message", "hi"]);
    let mut rest = String::new();
    a_stdout.read_to_string(&mut rest).expect("A's report");
    let a_status = a.wait().expect("A exits");
    let a_out = format!("{}{rest}", char::from(first[0]));
    let b_out = String::from_utf8_lossy(&b.stdout);
    assert!(
        a_status.success() && b.status.success(),
        "A:\n{a_out}\nB:\n{b_out}"
    );

    // A stamps "everything sent" before it half-closes; the server can only turn to B
    // after reading that close. Allow for a report crossing midnight.
    let a_sent = wall_clock_ms(&a_out, "everything sent");
    let mut b_first = wall_clock_ms(&b_out, "first byte of the echo came back");
    if b_first + 12 * 3600 * 1000 < a_sent {
        b_first += 24 * 3600 * 1000;
    }
    assert!(
        b_first >= a_sent,
        "B's echo came back before A finished sending\nA:\n{a_out}\nB:\n{b_out}"
    );
}

#[test]
fn writing_everything_before_reading_deadlocks_on_a_long_message() {
    let server = Server::start(SERVER, &[]);
    // Short enough for the socket buffers: the wrong design seems to work...
    let short = echo_client(&server, &["--write-then-read", "--bytes", "100000"]);
    assert_eq!(short.status.code(), Some(0), "{short:?}");
    // ...until the message outgrows them (about 7-8 MB on Linux loopback; 16 MB
    // leaves a margin). The client's write timeout turns the hang into exit 1.
    let long = Command::new(CLIENT)
        .args(["--addr", &server.addr().to_string(), "--read-timeout", "1"])
        .args(["--write-then-read", "--bytes", "16000000"])
        .output()
        .expect("run echo-client");
    let stderr = String::from_utf8_lossy(&long.stderr);
    assert_eq!(long.status.code(), Some(1), "{long:?}");
    assert!(stderr.contains("deadlock"), "{stderr}");
    // The server was stuck too, until the client gave up; now it serves the next one.
    let next = echo_client(&server, &["--message", "still alive"]);
    assert_eq!(next.status.code(), Some(0), "{next:?}\n{}", server.output());
}
