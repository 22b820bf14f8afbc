//! The blocking driver: one connection on one thread, read with deadlines, answered
//! through a [`Session`]. Chapters 10, 13 and 14 call [`serve_connection`] from their
//! own accept loops; with [`Persistence::KeepAlive`] it serves request after request.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use crate::limits::Limits;
use crate::log;
use crate::request::Request;
use crate::response::Response;
use crate::router::{Router, handler_panicked};
use crate::session::{After, LINGER_TIME, Next, Persistence, Session};

// ANCHOR: options
/// How patient we are with one client, and how long it may stay: the one options type
/// every Part II driver (blocking, event loop, tokio) takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionOptions {
    /// From accepting the connection (or answering its previous request) to having the
    /// whole next request. Also the longest a client that stops reading our answer may
    /// stall it.
    pub idle_timeout: Duration,
    pub limits: Limits,
    /// One request per connection (chapters 05–17) or keep-alive (18).
    pub persistence: Persistence,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        ConnectionOptions {
            idle_timeout: Duration::from_secs(10),
            limits: Limits::default(),
            persistence: Persistence::OneRequest,
        }
    }
}
// ANCHOR_END: options

/// How a connection ended, for callers that count (tests, chapter 13's log line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionOutcome {
    /// We sent a response with this status (including 400, 408, 500 …); with
    /// keep-alive, the status of the last one.
    Answered(u16),
    /// The client sent nothing and hung up, or stayed silent until the deadline.
    Silent,
    /// The client vanished (reset, or stopped reading) before the response was out.
    ClientGone,
}

// ANCHOR: read_request
/// Reads into the session until it has a whole request (or a refusal), or `deadline`
/// passes.
///
/// The deadline is for the whole request, not for each `read`: a read timeout alone
/// restarts with every byte, so a client sending one byte a second would hold us
/// forever. Before each read we set the timeout to whatever is left.
pub fn read_request(
    stream: &mut TcpStream,
    session: &mut Session,
    deadline: Instant,
) -> io::Result<Next> {
    let mut eof = false;
    loop {
        match session.next(eof) {
            Next::Read => {}
            decided => return Ok(decided),
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            // 408 if the client had started a request, a quiet close if not.
            return Ok(session.timed_out().map_or(Next::Close, Next::Refuse));
        }
        eof |= read_for(stream, session, left)?;
    }
}

/// One `read` into the session's input, blocking at most `left`. Returns whether the
/// client has closed its side (EOF). A read that timed out is no error: it says
/// WouldBlock on Unix and TimedOut on Windows, and the caller's deadline decides what it
/// means.
pub fn read_for(stream: &mut TcpStream, session: &mut Session, left: Duration) -> io::Result<bool> {
    let mut chunk = [0u8; 4096];
    stream.set_read_timeout(Some(left))?;
    match stream.read(&mut chunk) {
        Ok(0) => Ok(true),
        Ok(n) => {
            session.input.extend_from_slice(&chunk[..n]);
            Ok(false)
        }
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}
// ANCHOR_END: read_request

// ANCHOR: serve_connection
/// Serves `stream` until the session says to close. Never panics and never returns an
/// error: whatever happens is answered with a status code where there is still someone
/// to answer, and logged on stderr.
pub fn serve_connection(
    mut stream: TcpStream,
    router: &Router,
    options: &ConnectionOptions,
) -> ConnectionOutcome {
    let peer = stream
        .peer_addr()
        .map_or_else(|_| "?".to_string(), |addr| addr.to_string());
    let mut session = Session::new(peer, options.limits, options.persistence);
    let mut outcome = ConnectionOutcome::Silent;
    loop {
        let deadline = Instant::now() + options.idle_timeout;
        let outgoing = match read_request(&mut stream, &mut session, deadline) {
            Ok(Next::Request(request)) => {
                session.respond(&answer(router, &request, session.peer()))
            }
            Ok(Next::Refuse(outgoing)) => outgoing,
            Ok(Next::Close | Next::Read) => return outcome,
            Err(e) => {
                log::event(session.peer(), &format!("read failed: {e}"));
                return ConnectionOutcome::ClientGone;
            }
        };
        outcome = match send(&mut stream, &outgoing.bytes, options, session.peer()) {
            Ok(()) => ConnectionOutcome::Answered(outgoing.status),
            Err(()) => return ConnectionOutcome::ClientGone,
        };
        match outgoing.after {
            After::KeepOpen => continue,
            After::Close => return outcome,
            After::Linger => {
                // FIN, then read away what the client still sends, for a bounded time.
                crate::refuse::linger(&mut stream, Instant::now() + LINGER_TIME);
                return outcome;
            }
        }
    }
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
/// Writes the whole answer in one go. A client that resets or stops reading costs us a
/// log line and at most `idle_timeout`, never the server.
fn send(
    stream: &mut TcpStream,
    bytes: &[u8],
    options: &ConnectionOptions,
    peer: &str,
) -> Result<(), ()> {
    let written = stream
        .set_write_timeout(Some(options.idle_timeout))
        .and_then(|()| stream.write_all(bytes));
    written.map_err(|e| log::event(peer, &format!("went away mid-response: {e}")))
}
// ANCHOR_END: send

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

    #[test]
    fn with_keep_alive_one_connection_carries_several_requests() {
        let options = ConnectionOptions {
            persistence: Persistence::KeepAlive { max_requests: 100 },
            ..ConnectionOptions::default()
        };
        let (addr, handle) = server(ok_router(), options, 1);
        let mut stream = connect(addr);
        // Two pipelined requests, the second asking to close.
        stream
            .write_all(b"GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let text = String::from_utf8_lossy(&response);
        assert_eq!(text.matches("HTTP/1.1 200 OK\r\n").count(), 2, "{text}");
        assert!(text.contains("Connection: keep-alive\r\n"), "{text}");
        assert!(text.contains("Connection: close\r\n"), "{text}");
        assert_eq!(handle.join().unwrap(), [ConnectionOutcome::Answered(200)]);
    }
}
