//! An in-test HTTP server whose answers a test chooses, and which counts what it sees.

#![allow(dead_code)] // each test file uses some of it

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use clap::Parser;

/// What the server does with one request.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// A response with this status and a short body; keeps the connection if asked to.
    Status(u16),
    /// Answers 200 after a pause.
    After(Duration),
    /// Closes the connection without a byte.
    Close,
    /// Resets the connection (`SO_LINGER` 0, then close).
    Reset,
    /// Reads the request and never answers (until the client goes away).
    Never,
    /// Bytes that are not HTTP.
    Garbage,
    /// 200 saying keep-alive, then closes anyway, as a server's idle timeout would.
    OkThenClose,
    /// 200 saying keep-alive even to a request that asked to close, and keeps the
    /// connection open (as the minimal peers of `bench/peers` do).
    IgnoresClose,
}

/// The test server: `answer(n, target)` decides the answer to the `n`th request (from 0).
pub struct TestServer {
    pub addr: SocketAddr,
    accepts: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl TestServer {
    pub fn start(answer: fn(usize, &str) -> Answer) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let addr = listener.local_addr().expect("bound address");
        let accepts = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (accepts_seen, requests_seen) = (Arc::clone(&accepts), Arc::clone(&requests));
        // The accept thread lives as long as the test process: nothing to clean up.
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                accepts_seen.fetch_add(1, Ordering::SeqCst);
                let requests = Arc::clone(&requests_seen);
                thread::spawn(move || serve(stream, &requests, answer));
            }
        });
        TestServer {
            addr,
            accepts,
            requests,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Connections accepted so far.
    pub fn accepts(&self) -> usize {
        self.accepts.load(Ordering::SeqCst)
    }

    /// Requests read so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn serve(mut stream: TcpStream, requests: &AtomicUsize, answer: fn(usize, &str) -> Answer) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let end = loop {
            if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_string();
        buffer.drain(..end);
        let target = head.split(' ').nth(1).unwrap_or("/").to_string();
        let keep = !head.to_ascii_lowercase().contains("connection: close");
        let n = requests.fetch_add(1, Ordering::SeqCst);
        let status = match answer(n, &target) {
            Answer::Status(status) => status,
            Answer::After(pause) => {
                thread::sleep(pause);
                200
            }
            Answer::Close => return,
            Answer::Reset => {
                let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
                return;
            }
            Answer::Never => {
                while matches!(stream.read(&mut chunk), Ok(n) if n > 0) {}
                return;
            }
            Answer::Garbage => {
                let _ = stream.write_all(b"garbage, not HTTP\r\n\r\n");
                return;
            }
            Answer::OkThenClose => {
                let _ = stream.write_all(&response(200, true));
                return;
            }
            Answer::IgnoresClose => {
                if stream.write_all(&response(200, true)).is_err() {
                    return;
                }
                continue;
            }
        };
        if stream.write_all(&response(status, keep)).is_err() || !keep {
            return;
        }
    }
}

fn response(status: u16, keep: bool) -> Vec<u8> {
    let connection = if keep { "keep-alive" } else { "close" };
    format!(
        "HTTP/1.1 {status} Whatever\r\nContent-Length: 5\r\nConnection: {connection}\r\n\r\nhello"
    )
    .into_bytes()
}

/// Runs the load generator in-process with these flags (after the program name).
pub fn measure(argv: &[&str]) -> chapter12::Report {
    let args =
        chapter12::Args::try_parse_from(std::iter::once("chapter12").chain(argv.iter().copied()))
            .expect("valid flags");
    chapter12::run(&args).expect("the run completes")
}
