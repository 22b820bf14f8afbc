//! The peer servers over real TCP: keep-alive, pipelining, a pipeline big enough to
//! force partial writes, one answer per connection for `minimal-threads`, and hyper's
//! files. Every read has a deadline (testkit's `connect` sets them); nothing sleeps.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::Duration;

use testkit::Server;
use testkit::http::{
    IO_TIMEOUT, Response, closes_within, connect, finish_sending, get, read_until_close,
    replay_command,
};

const MIO: &str = env!("CARGO_BIN_EXE_minimal-mio");
const TOKIO: &str = env!("CARGO_BIN_EXE_minimal-tokio");
const THREADS: &str = env!("CARGO_BIN_EXE_minimal-threads");
const HYPER: &str = env!("CARGO_BIN_EXE_hyper-server");

fn keep_alive_get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n")
}

/// Reads one response off a kept-alive connection: the head, then exactly
/// `Content-Length` body bytes. Bytes past it stay in `pending` for the next call.
fn read_response(stream: &mut TcpStream, pending: &mut Vec<u8>) -> Response {
    let mut chunk = [0u8; 16 * 1024];
    let mut fill = |pending: &mut Vec<u8>| {
        let n = stream
            .read(&mut chunk)
            .unwrap_or_else(|e| panic!("read failed with {} bytes pending: {e}", pending.len()));
        assert!(n > 0, "the server closed with {pending:?} pending");
        pending.extend_from_slice(&chunk[..n]);
    };
    let head_end = loop {
        if let Some(start) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            break start + 4;
        }
        fill(pending);
    };
    // A lost or repeated byte shows up here: the next "head" starts mid-body.
    let head = Response::parse(&pending[..head_end]).unwrap_or_else(|e| panic!("{e}"));
    let length: usize = head
        .header("Content-Length")
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no usable Content-Length in {head:?}"));
    while pending.len() < head_end + length {
        fill(pending);
    }
    let response = Response::parse(&pending[..head_end + length]).expect("a whole response");
    pending.drain(..head_end + length);
    response
}

/// Two requests, one after the other, on one connection: two 200s, and the
/// connection is still open after the first.
fn answers_twice_on_one_connection(server: &Server, path: &str) -> Vec<Response> {
    let mut stream = connect(server.addr());
    let mut pending = Vec::new();
    let mut responses = Vec::new();
    for _ in 0..2 {
        let request = keep_alive_get(path);
        stream
            .write_all(request.as_bytes())
            .expect("write a request");
        let response = read_response(&mut stream, &mut pending);
        assert_eq!(
            response.status,
            200,
            "{response:?}\n  request: {}",
            replay_command(server.addr(), request.as_bytes())
        );
        responses.push(response);
    }
    assert!(pending.is_empty(), "bytes past the answers: {pending:?}");
    responses
}

/// Writes `count` requests in one go and only then reads the `count` answers, in order.
/// The requests (under 100 KB) fit in the socket buffers even when the server stops
/// reading; the answers to a long pipeline do not, so the server's writes must come back
/// short or with WouldBlock and resume later. (The write deadline turns a deadlock into
/// a failure.)
fn pipelined(server: &Server, paths: &[&str], count: usize) -> Vec<Response> {
    let mut stream = connect(server.addr());
    let requests: String = paths
        .iter()
        .cycle()
        .take(count)
        .map(|p| keep_alive_get(p))
        .collect();
    stream
        .write_all(requests.as_bytes())
        .expect("write the whole pipeline");
    let mut pending = Vec::new();
    let responses: Vec<Response> = (0..count)
        .map(|_| read_response(&mut stream, &mut pending))
        .collect();
    assert!(pending.is_empty(), "bytes past the answers: {pending:?}");
    responses
}

fn assert_canned(response: &Response) {
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body.len(), 1024, "{response:?}");
}

#[test]
fn canned_servers_keep_the_connection_alive() {
    for (bin, args) in [(MIO, &[][..]), (MIO, &["--threads", "2"]), (TOKIO, &[])] {
        let server = Server::start(bin, args);
        for response in answers_twice_on_one_connection(&server, "/") {
            assert_canned(&response);
        }
    }
}

#[test]
fn canned_servers_answer_every_pipelined_request() {
    for bin in [MIO, TOKIO] {
        let server = Server::start(bin, &[]);
        let responses = pipelined(&server, &["/", "/a"], 3);
        assert_eq!(responses.len(), 3);
        responses.iter().for_each(assert_canned);
    }
}

/// Sends `count` requests from another thread and reads nothing until the server has
/// stopped reading them, which it does only while its own writes are blocked: the answers
/// fill our receive buffer and its send buffer. Returns whether that moment came (a write
/// of ours waited 300 ms), then every answer, read in order.
fn pipelined_past_full_buffers(server: &Server, count: usize) -> (bool, Vec<Response>) {
    let mut stream = connect(server.addr());
    let requests = keep_alive_get("/").repeat(count).into_bytes();
    // A small, fixed send buffer (the kernel would grow it to megabytes): our writes
    // then stall as soon as the server stops reading.
    socket2::SockRef::from(&stream)
        .set_send_buffer_size(16 * 1024)
        .expect("set SO_SNDBUF");
    let mut writer = stream.try_clone().expect("clone the socket for the writer");
    let (blocked_tx, blocked_rx) = mpsc::channel();
    let sending = std::thread::spawn(move || -> std::io::Result<bool> {
        writer.set_write_timeout(Some(Duration::from_millis(300)))?;
        let (mut sent, mut blocked) = (0, false);
        while sent < requests.len() {
            match writer.write(&requests[sent..]) {
                Ok(n) => sent += n,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    if !blocked {
                        blocked = true;
                        let _ = blocked_tx.send(());
                        writer.set_write_timeout(Some(IO_TIMEOUT))?;
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(blocked)
    });
    // Either the writer got stuck (what we want) or it finished (the channel closes).
    let _ = blocked_rx.recv_timeout(IO_TIMEOUT);
    let mut pending = Vec::new();
    let responses = (0..count)
        .map(|_| read_response(&mut stream, &mut pending))
        .collect();
    assert!(pending.is_empty(), "bytes past the answers: {pending:?}");
    let blocked = sending
        .join()
        .expect("the writer thread")
        .expect("write the pipeline");
    (blocked, responses)
}

/// 10,000 pipelined requests, about 11 MB of answers: more than the socket buffers hold,
/// so the server's writes come back short or with WouldBlock and must resume where they
/// stopped, without losing or repeating a byte.
#[test]
fn canned_servers_survive_a_pipeline_larger_than_the_socket_buffers() {
    for bin in [MIO, TOKIO] {
        let server = Server::start(bin, &[]);
        let (blocked, responses) = pipelined_past_full_buffers(&server, 10_000);
        assert!(blocked, "{bin}: the answers never filled the buffers");
        responses.iter().for_each(assert_canned);
    }
}

/// A head split over two writes is answered once, when it is complete.
#[test]
fn canned_servers_wait_for_the_whole_head() {
    for bin in [MIO, TOKIO] {
        let server = Server::start(bin, &[]);
        let mut stream = connect(server.addr());
        stream
            .write_all(b"GET / HTTP/1.1\r\nHo")
            .expect("first half");
        stream.flush().expect("flush");
        stream
            .write_all(b"st: localhost\r\n\r\n")
            .expect("second half");
        let mut pending = Vec::new();
        assert_canned(&read_response(&mut stream, &mut pending));
        assert!(pending.is_empty(), "bytes past the answer: {pending:?}");
        // EOF from the client: the server closes too.
        stream
            .shutdown(std::net::Shutdown::Write)
            .expect("half-close");
        assert!(closes_within(&mut stream, Duration::from_secs(5)));
    }
}

/// A request and FIN in one go (`printf ... | nc -N`): the request is still answered,
/// then the server closes. A loop that trusts a short read to mean "nothing more to
/// read" would never see this EOF and keep the connection forever.
#[test]
fn keep_alive_servers_answer_then_close_on_half_close() {
    let root = site();
    for server in [
        Server::start(MIO, &[]),
        Server::start(TOKIO, &[]),
        start_hyper(&root),
    ] {
        let request = keep_alive_get("/notes/a.txt");
        let mut stream = connect(server.addr());
        stream
            .write_all(request.as_bytes())
            .expect("write a request");
        finish_sending(&stream);
        let raw = read_until_close(&mut stream).unwrap_or_else(|e| {
            panic!(
                "{e}\n  request: {}",
                replay_command(server.addr(), request.as_bytes())
            )
        });
        let response = Response::parse(&raw).unwrap_or_else(|e| panic!("{e}\n{}", server.output()));
        assert_eq!(response.status, 200, "{response:?}");
        let length = response
            .header("Content-Length")
            .and_then(|v| v.parse().ok());
        assert_eq!(
            length,
            Some(response.body.len()),
            "one answer only: {response:?}"
        );
    }
}

#[test]
fn minimal_threads_answers_once_and_closes() {
    let server = Server::start(THREADS, &[]);
    // `get` reads until the server closes, so this also proves the close.
    let response = get(server.addr(), "/").expect("an answer, then EOF");
    assert_canned(&response);
    assert_eq!(response.header("Connection"), Some("close"), "{response:?}");
}

/// A temporary site: `/` and `/index.html`, a text file in a subfolder.
fn site() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("a temp folder");
    std::fs::write(root.path().join("index.html"), "<h1>home</h1>\n").expect("write index");
    std::fs::create_dir(root.path().join("notes")).expect("make a subfolder");
    std::fs::write(root.path().join("notes/a.txt"), "note a\n").expect("write a.txt");
    root
}

fn start_hyper(root: &tempfile::TempDir) -> Server {
    let root = root.path().to_str().expect("a UTF-8 temp path");
    Server::start(HYPER, &["--root", root])
}

#[test]
fn hyper_serves_files_and_404() {
    let root = site();
    let server = start_hyper(&root);
    for (path, body, content_type) in [
        ("/", "<h1>home</h1>\n", "text/html"),
        ("/index.html", "<h1>home</h1>\n", "text/html"),
        ("/notes/a.txt", "note a\n", "text/plain"),
    ] {
        let response = get(server.addr(), path).expect("an answer");
        assert_eq!(response.status, 200, "GET {path}: {response:?}");
        assert_eq!(response.text(), body, "GET {path}: {response:?}");
        assert_eq!(response.header("Content-Type"), Some(content_type));
    }
    let missing = get(server.addr(), "/missing.html").expect("an answer");
    assert_eq!(missing.status, 404, "{missing:?}");
}

#[test]
fn hyper_keeps_alive_and_answers_a_pipeline_in_order() {
    let root = site();
    let server = start_hyper(&root);
    for response in answers_twice_on_one_connection(&server, "/notes/a.txt") {
        assert_eq!(response.text(), "note a\n", "{response:?}");
    }
    let statuses: Vec<u16> = pipelined(&server, &["/", "/missing", "/notes/a.txt"], 3)
        .iter()
        .map(|response| response.status)
        .collect();
    assert_eq!(statuses, [200, 404, 200]);
}

#[test]
fn tokio_servers_exit_cleanly_on_sigterm() {
    let root = site();
    for mut server in [Server::start(TOKIO, &[]), start_hyper(&root)] {
        server.signal("TERM");
        server.assert_exits_cleanly(Duration::from_secs(5));
    }
}
