//! The blocking driver: one connection, one request, one response, closed.
//! Chapters 10, 13 and 14 call [`serve_connection`] from their own accept loops.

use std::io::{self, Read, Write};
use std::net::{Shutdown as Direction, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use crate::error::HttpError;
use crate::limits::Limits;
use crate::log;
use crate::parse::{Parsed, parse_request};
use crate::request::Request;
use crate::response::Response;
use crate::router::{Router, handler_panicked};

/// How patient we are with one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionOptions {
    /// From accepting the connection to having the whole request. Also the longest a
    /// single write of the response may block on a client that does not read.
    pub idle_timeout: Duration,
    pub limits: Limits,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        ConnectionOptions {
            idle_timeout: Duration::from_secs(10),
            limits: Limits::default(),
        }
    }
}

/// How a connection ended, for callers that count (tests, chapter 19's statistics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionOutcome {
    /// We sent a response with this status (including 400, 408, 500 …).
    Answered(u16),
    /// The client sent nothing and hung up, or stayed silent until the deadline.
    Silent,
    /// The client vanished (reset, or stopped reading) before the response was out.
    ClientGone,
}

/// Why [`read_request`] returned no request.
#[derive(Debug)]
pub enum ReadError {
    /// Not a single byte arrived before EOF or the deadline.
    Silent,
    /// The bytes are no request, or came too slowly: answer with this error's status.
    Http(HttpError),
    /// The socket failed (typically a reset).
    Io(io::Error),
}

// ANCHOR: read_request
/// Reads until `buf` holds a whole request, or `deadline` passes.
///
/// The deadline is for the whole request, not for each `read`: a read timeout alone
/// restarts with every byte, so a client sending one byte a second would hold us
/// forever. Before each read we set the timeout to whatever is left.
pub fn read_request(
    stream: &mut TcpStream,
    deadline: Instant,
    limits: &Limits,
) -> Result<Request, ReadError> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match parse_request(&buf, limits) {
            Ok(Parsed::Complete { request, .. }) => return Ok(request),
            Ok(Parsed::Incomplete) => {}
            Err(e) => return Err(ReadError::Http(e)),
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(too_slow(&buf));
        }
        stream.set_read_timeout(Some(left)).map_err(ReadError::Io)?;
        match stream.read(&mut chunk) {
            Ok(0) if buf.is_empty() => return Err(ReadError::Silent),
            Ok(0) => return Err(ReadError::Http(HttpError::BadRequest("request cut short"))),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            // A timed-out read says WouldBlock on Unix and TimedOut on Windows; the
            // deadline check at the top of the loop decides what it means.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
}

/// The deadline passed: 408 if the client had started a request, silence if not.
fn too_slow(buf: &[u8]) -> ReadError {
    if buf.is_empty() {
        ReadError::Silent
    } else {
        ReadError::Http(HttpError::Timeout)
    }
}
// ANCHOR_END: read_request

// ANCHOR: serve_connection
/// Serves one request on `stream`, then closes it. Never panics and never returns an
/// error: whatever happens is answered with a status code where there is still
/// someone to answer, and logged on stderr.
pub fn serve_connection(
    mut stream: TcpStream,
    router: &Router,
    options: &ConnectionOptions,
) -> ConnectionOutcome {
    let started = Instant::now();
    let peer = stream
        .peer_addr()
        .map_or_else(|_| "?".to_string(), |addr| addr.to_string());
    let deadline = started + options.idle_timeout;
    let request = match read_request(&mut stream, deadline, &options.limits) {
        Ok(request) => request,
        Err(ReadError::Silent) => {
            log::event(&peer, "closed without sending a request");
            return ConnectionOutcome::Silent;
        }
        Err(ReadError::Io(e)) => {
            log::event(&peer, &format!("read failed: {e}"));
            return ConnectionOutcome::ClientGone;
        }
        Err(ReadError::Http(error)) => {
            // We stopped reading part-way, so unread bytes may be waiting: linger.
            let response = error.into_response();
            let outcome = send(&mut stream, &response, false, options, &peer);
            log::request(
                &peer,
                "-",
                "-",
                response.status.code,
                response.body.len(),
                started.elapsed(),
            );
            linger(&mut stream);
            return outcome;
        }
    };
    let response = answer(router, &request, &peer);
    let outcome = send(&mut stream, &response, request.is_head(), options, &peer);
    log::request(
        &peer,
        &request.method,
        &request.target,
        response.status.code,
        response.body.len(),
        started.elapsed(),
    );
    outcome
}
// ANCHOR_END: serve_connection

// ANCHOR: answer
/// Runs the router, turning a panic in any handler into a 500 for this request only.
/// `AssertUnwindSafe` is sound here because the router is only read: a handler that
/// panics half-way leaves nothing half-changed behind for the next request.
fn answer(router: &Router, request: &Request, peer: &str) -> Response {
    match panic::catch_unwind(AssertUnwindSafe(|| router.handle(request))) {
        Ok(response) => response,
        Err(payload) => handler_panicked(request, peer, &*payload),
    }
}
// ANCHOR_END: answer

// ANCHOR: send
/// Writes the whole response in one go. A client that resets or stops reading costs us
/// a log line and at most `idle_timeout`, never the server.
fn send(
    stream: &mut TcpStream,
    response: &Response,
    head_only: bool,
    options: &ConnectionOptions,
    peer: &str,
) -> ConnectionOutcome {
    let bytes = response.to_bytes(head_only);
    let written = stream
        .set_write_timeout(Some(options.idle_timeout))
        .and_then(|()| stream.write_all(&bytes));
    match written {
        Ok(()) => ConnectionOutcome::Answered(response.status.code),
        Err(e) => {
            log::event(peer, &format!("went away mid-response: {e}"));
            ConnectionOutcome::ClientGone
        }
    }
}
// ANCHOR_END: send

/// How long, and how much, we keep reading after an error response.
const LINGER_TIME: Duration = Duration::from_millis(500);
const LINGER_BYTES: usize = 2 * 1024 * 1024;

/// Closes after an error response without losing it. Closing a socket that still has
/// unread bytes makes the kernel send a reset, and a reset can make the client throw
/// away our answer before reading it. So: send FIN, then read and discard what the
/// client is still sending, for a bounded time.
fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown(Direction::Write);
    let deadline = Instant::now() + LINGER_TIME;
    let mut discarded = 0;
    let mut chunk = [0u8; 16 * 1024];
    while discarded < LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => discarded += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::Status;
    use std::net::{SocketAddr, TcpListener};
    use std::thread;

    /// Serves `connections` connections with `router` on a fresh port; returns the
    /// address and a handle that yields each connection's outcome.
    fn server(
        router: Router,
        options: ConnectionOptions,
        connections: usize,
    ) -> (SocketAddr, thread::JoinHandle<Vec<ConnectionOutcome>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = thread::spawn(move || {
            (0..connections)
                .map(|_| serve_connection(listener.accept().unwrap().0, &router, &options))
                .collect()
        });
        (addr, handle)
    }

    fn connect(addr: SocketAddr) -> TcpStream {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
    }

    fn exchange(addr: SocketAddr, request: &[u8]) -> String {
        let mut stream = connect(addr);
        stream.write_all(request).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        String::from_utf8_lossy(&response).into_owned()
    }

    fn ok_router() -> Router {
        Router::new()
            .route(&["GET"], "/", |_| Response::text(Status::OK, "fine\n"))
            .route(&["GET"], "/panic", |_| panic!("a handler bug"))
    }

    #[test]
    fn a_panicking_handler_gets_500_and_the_next_request_is_served() {
        let (addr, handle) = server(ok_router(), ConnectionOptions::default(), 2);
        let first = exchange(addr, b"GET /panic HTTP/1.1\r\n\r\n");
        assert!(first.starts_with("HTTP/1.1 500 "), "{first}");
        let second = exchange(addr, b"GET / HTTP/1.1\r\n\r\n");
        assert!(second.starts_with("HTTP/1.1 200 OK\r\n"), "{second}");
        assert!(second.ends_with("fine\n"), "{second}");
        let outcomes = handle.join().unwrap();
        assert_eq!(
            outcomes,
            [
                ConnectionOutcome::Answered(500),
                ConnectionOutcome::Answered(200)
            ]
        );
    }

    #[test]
    fn a_dribbling_client_is_cut_off_by_the_whole_request_deadline() {
        let options = ConnectionOptions {
            idle_timeout: Duration::from_millis(600),
            ..ConnectionOptions::default()
        };
        let (addr, handle) = server(ok_router(), options, 1);
        let mut stream = connect(addr);
        stream
            .set_read_timeout(Some(Duration::from_millis(150)))
            .unwrap();
        let started = Instant::now();
        let mut received = Vec::new();
        // One byte of an endless header every 150 ms: each read succeeds well within
        // the timeout, only the whole-request deadline can stop it.
        for byte in b"GET / HTTP/1.1\r\nX-Slow: "
            .iter()
            .chain([b'a'; 100].iter())
        {
            if stream.write_all(&[*byte]).is_err() {
                break;
            }
            let mut chunk = [0u8; 1024];
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) if !received.is_empty() => break,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
                Err(_) => {}
            }
            assert!(started.elapsed() < Duration::from_secs(5), "never cut off");
        }
        let text = String::from_utf8_lossy(&received);
        assert!(text.starts_with("HTTP/1.1 408 "), "{text}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(handle.join().unwrap(), [ConnectionOutcome::Answered(408)]);
    }

    #[test]
    fn a_silent_client_is_closed_quietly() {
        let options = ConnectionOptions {
            idle_timeout: Duration::from_millis(200),
            ..ConnectionOptions::default()
        };
        let (addr, handle) = server(ok_router(), options, 1);
        let mut stream = connect(addr);
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        assert!(response.is_empty(), "{response:?}");
        assert_eq!(handle.join().unwrap(), [ConnectionOutcome::Silent]);
    }

    #[test]
    fn bad_requests_get_their_status() {
        let (addr, handle) = server(ok_router(), ConnectionOptions::default(), 3);
        let bad = exchange(addr, b"NONSENSE\r\n\r\n");
        assert!(bad.starts_with("HTTP/1.1 400 "), "{bad}");
        let big = exchange(addr, b"POST / HTTP/1.1\r\nContent-Length: 5000000\r\n\r\n");
        assert!(big.starts_with("HTTP/1.1 413 "), "{big}");
        let head = exchange(addr, b"HEAD / HTTP/1.1\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(head.ends_with("\r\n\r\n"), "HEAD has no body: {head}");
        assert_eq!(
            handle.join().unwrap(),
            [
                ConnectionOutcome::Answered(400),
                ConnectionOutcome::Answered(413),
                ConnectionOutcome::Answered(200)
            ]
        );
    }
}
