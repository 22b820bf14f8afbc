//! Chapter 15's points, over real TCP: one thread serves thousands of connections at
//! once, a slow client costs the others nothing, partial writes lose no byte, odd
//! clients (half-closed, reset) are handled and cleaned up, and CPU work on the loop
//! blocks everyone (the labelled flaw chapter 16 fixes).

use std::fs;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, SockRef, Socket, Type};
use testkit::Server;
use testkit::http::{Response, connect, get, get_request, read_until_close};

const BIN: &str = env!("CARGO_BIN_EXE_chapter15");
const BIG: usize = 8 * 1024 * 1024;

/// A scratch site: a small page and an 8 MiB file, far more than socket buffers hold.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a scratch folder");
    fs::write(dir.path().join("index.html"), "<h1>small</h1>\n").expect("write index");
    fs::write(dir.path().join("big.bin"), big_bytes()).expect("write big.bin");
    dir
}

fn big_bytes() -> Vec<u8> {
    (0..BIG).map(|i| (i % 251) as u8).collect()
}

fn start(root: &Path) -> Server {
    let root = root.to_str().expect("a UTF-8 temp path");
    Server::start(BIN, &["--root", root, "--idle-timeout", "30"])
}

/// How many file descriptors the server process has open: each connection is one.
fn open_fds(server: &Server) -> usize {
    fs::read_dir(format!("/proc/{}/fd", server.pid()))
        .expect("the server's /proc entry")
        .count()
}

// ANCHOR: five_thousand_test
#[test]
fn five_thousand_simultaneous_connections_all_get_their_answer() {
    const CLIENTS: usize = 5000;
    // This test process holds 5,000 sockets itself, more than a default soft limit of
    // 1,024 open files allows: raise its own limit (the server raises its own).
    webcore::fd_limit::raise_open_files(CLIENTS as u64 + 100);
    let dir = site();
    let server = start(dir.path());
    let addr = server.addr();
    // Connected first and silent throughout: a server that serves connections one at
    // a time waits on this one for the whole idle timeout (30 s) before anyone else.
    let _silent = connect(addr);
    let started = Instant::now();
    let mut clients: Vec<TcpStream> = (0..CLIENTS).map(|_| connect(addr)).collect();
    // Every connection is open before any request goes out, last to first.
    for client in clients.iter_mut().rev() {
        client
            .write_all(get_request("/").as_bytes())
            .expect("send a request");
    }
    let mut answered = 0;
    for client in &mut clients {
        let raw = read_until_close(client).expect("an answer");
        let response = Response::parse(&raw).expect("a well-formed answer");
        assert_eq!(response.status, 200, "{response:?}");
        answered += 1;
    }
    assert_eq!(answered, CLIENTS);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}
// ANCHOR_END: five_thousand_test

// ANCHOR: slow_reader_test
#[test]
fn a_client_reading_one_byte_at_a_time_does_not_slow_the_others() {
    let dir = site();
    let server = start(dir.path());
    let addr = server.addr();
    let mut slow = connect(addr);
    slow.write_all(get_request("/big.bin").as_bytes())
        .expect("send");
    let mut byte = [0u8; 1];
    slow.read_exact(&mut byte).expect("the first byte");
    // While it trickles, twenty others come and go.
    let started = Instant::now();
    for _ in 0..20 {
        let response = get(addr, "/").expect("a fast answer");
        assert_eq!(response.status, 200, "{response:?}");
        // The slow client keeps reading, a byte every few milliseconds.
        slow.read_exact(&mut byte).expect("one more byte");
        thread::sleep(Duration::from_millis(5)); // the slowness under test
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(2),
        "20 small requests took {took:?} beside a slow reader"
    );
}
// ANCHOR_END: slow_reader_test

/// A client with a tiny receive buffer, so the server's writes hit `WouldBlock` often.
fn small_buffer_client(addr: SocketAddr) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a socket");
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    socket.connect(&addr.into()).expect("connect");
    let stream: TcpStream = socket.into();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream
}

// ANCHOR: big_file_test
#[test]
fn a_large_file_reaches_a_slow_reader_intact() {
    let dir = site();
    let server = start(dir.path());
    let mut client = small_buffer_client(server.addr());
    client
        .write_all(get_request("/big.bin").as_bytes())
        .expect("send");
    // Read nothing for a moment: the server fills the socket buffers, meets WouldBlock,
    // and has to resume from the right offset on the next writable event.
    thread::sleep(Duration::from_millis(300)); // the slowness under test
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert!(
            Instant::now() < deadline,
            "only {} bytes in 20 s",
            raw.len()
        );
        match client.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
            Err(e) => panic!("read failed after {} bytes: {e}", raw.len()),
        }
    }
    let response = Response::parse(&raw).expect("a well-formed answer");
    assert_eq!(response.status, 200);
    assert_eq!(response.body.len(), BIG);
    assert!(
        response.body == big_bytes(),
        "the body differs from the file"
    );
}
// ANCHOR_END: big_file_test

#[test]
fn a_client_that_half_closes_after_its_request_gets_its_answer() {
    let dir = site();
    let server = start(dir.path());
    let mut client = connect(server.addr());
    client.write_all(get_request("/").as_bytes()).expect("send");
    // "I have nothing more to say": the server reads EOF right after the request.
    client.shutdown(Shutdown::Write).expect("half-close");
    let raw = read_until_close(&mut client).expect("an answer");
    let response = Response::parse(&raw).expect("a well-formed answer");
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body, b"<h1>small</h1>\n");
}

// ANCHOR: reset_test
#[test]
fn reset_connections_are_cleaned_up_and_the_server_keeps_serving() {
    let dir = site();
    let server = start(dir.path());
    let addr = server.addr();
    get(addr, "/").expect("a first answer");
    let baseline = open_fds(&server);

    // One resets half-way through its request, one half-way through a large answer.
    // `SO_LINGER` with a zero timeout makes close send RST instead of FIN.
    let mid_request = connect(addr);
    (&mid_request)
        .write_all(b"GET / HTTP/1.1\r\n")
        .expect("send");
    let mut mid_response = connect(addr);
    mid_response
        .write_all(get_request("/big.bin").as_bytes())
        .expect("send");
    let mut start = [0u8; 12];
    mid_response
        .read_exact(&mut start)
        .expect("the status line");
    assert!(
        testkit::wait_until(Duration::from_secs(5), || open_fds(&server) == baseline + 2),
        "the server should hold both connections"
    );
    for stream in [mid_request, mid_response] {
        SockRef::from(&stream)
            .set_linger(Some(Duration::ZERO))
            .expect("SO_LINGER 0");
        drop(stream);
    }

    assert!(
        testkit::wait_until(Duration::from_secs(5), || open_fds(&server) == baseline),
        "the reset connections are still open: {} fds, {baseline} before\n{}",
        open_fds(&server),
        server.output()
    );
    assert!(
        server.wait_for_output(Duration::from_secs(5), |out| out.contains("read failed")
            && out.contains("went away mid-response")),
        "no log lines for the resets:\n{}",
        server.output()
    );
    let response = get(addr, "/").expect("still serving");
    assert_eq!(response.status, 200);
}
// ANCHOR_END: reset_test

#[test]
fn a_sleep_does_not_block_the_loop() {
    let dir = site();
    let server = start(dir.path());
    let mut sleeper = connect(server.addr());
    sleeper
        .write_all(get_request("/sleep?ms=1500").as_bytes())
        .expect("send");
    let started = Instant::now();
    get(server.addr(), "/").expect("a fast answer");
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_millis(700),
        "GET / waited {waited:?}"
    );
    let raw = read_until_close(&mut sleeper).expect("the sleeper's answer");
    assert!(Response::parse(&raw).is_ok_and(|r| r.status == 200));
    assert!(started.elapsed() >= Duration::from_millis(1400));
}

// ANCHOR: cpu_blocks_test
/// Wrong on purpose, and proved: CPU work done on the loop's thread makes every other
/// client wait for it. Chapter 16 moves it to worker threads.
#[test]
fn cpu_work_on_the_loop_blocks_every_other_client() {
    let dir = site();
    let server = start(dir.path());
    let before = server.cpu_ticks();
    let mut burner = connect(server.addr());
    burner
        .write_all(get_request("/cpu?ms=1000").as_bytes())
        .expect("send");
    // Wait until the loop is visibly burning (0.1 s of CPU), so `/` surely comes after.
    assert!(
        testkit::wait_until(Duration::from_secs(3), || server.cpu_ticks() >= before + 10),
        "the server never started burning CPU"
    );
    let started = Instant::now();
    get(server.addr(), "/").expect("an answer, eventually");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(500),
        "GET / took only {waited:?} while /cpu?ms=1000 ran on the loop"
    );
    let raw = read_until_close(&mut burner).expect("the burner's answer");
    assert!(Response::parse(&raw).is_ok_and(|r| r.status == 200));
}
// ANCHOR_END: cpu_blocks_test
