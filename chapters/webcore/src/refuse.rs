//! Turning a client away without losing the answer: the 503 of a server that is full.
//!
//! Writing an answer and closing at once loses it more often than one would think. A
//! client sends its request right after connecting. If our answer and our close come
//! first, the request lands on a socket that is closed, the kernel answers it with a
//! reset, and the client sees a broken connection instead of a 503 (`ab` gives up, `wrk`
//! counts a socket error). The same happens when we close with request bytes unread.
//! So a refusal reads the request first, then answers, then closes without a reset.

use std::io::{Read, Write};
use std::net::{Shutdown as Direction, TcpStream};
use std::time::{Duration, Instant};

use crate::limits::Limits;
use crate::response::Response;
use crate::session::{After, LINGER_BYTES, Next, Persistence, Session};

/// How a refusal ended, for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The answer went out after the whole request had arrived.
    AfterRequest,
    /// An answer went out without a whole request (nothing came in time, or half a
    /// request, or garbage, which gets the session's 400 or 408), then a lingering close.
    WithoutRequest,
    /// The client hung up, reset, or stopped reading: nobody to answer.
    ClientGone,
}

// ANCHOR: refuse
/// Answers `response` on `stream`, and closes so that the client does get it.
///
/// 1. Read the request, waiting at most `patience` for it: a client sends it the
///    moment it has connected, and it is the request our answer answers.
/// 2. Write the answer (small: it fits the socket's send buffer at once).
/// 3. Close. With the whole request read there is nothing left to reset over. Without
///    it, linger: send our FIN, then read and discard what still comes, for at most
///    `patience`.
///
/// Whatever the client does, this takes at most about twice `patience`, so an accept
/// loop may call it on its own thread. The answer is logged like any other.
pub fn refuse(mut stream: TcpStream, response: &Response, patience: Duration) -> Refusal {
    let peer = stream
        .peer_addr()
        .map_or_else(|_| "?".to_string(), |addr| addr.to_string());
    let mut session = Session::new(peer, Limits::default(), Persistence::OneRequest);
    let deadline = Instant::now() + patience;
    let mut eof = false;
    let outgoing = loop {
        match session.next(eof) {
            Next::Read => {}
            // Our answer answers this request (a HEAD gets no body).
            Next::Request(_) => break session.respond(response),
            // Garbage or half a request: the session's own 400, with a lingering close.
            Next::Refuse(outgoing) => break outgoing,
            // The client hung up without a word.
            Next::Close => return Refusal::ClientGone,
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            // Nothing (or not enough) in time: answer anyway, and linger in case the
            // request is only late.
            let mut outgoing = session.respond(response);
            outgoing.after = After::Linger;
            break outgoing;
        }
        match crate::connection::read_for(&mut stream, &mut session, left) {
            Ok(closed) => eof |= closed,
            Err(_) => return Refusal::ClientGone,
        }
    };
    let sent = stream
        .set_write_timeout(Some(patience))
        .and_then(|()| stream.write_all(&outgoing.bytes));
    if sent.is_err() {
        return Refusal::ClientGone;
    }
    if outgoing.after != After::Linger {
        return Refusal::AfterRequest; // dropping the stream closes it with a FIN
    }
    linger(&mut stream, Instant::now() + patience);
    Refusal::WithoutRequest
}
// ANCHOR_END: refuse

// ANCHOR: linger
/// Closes after an answer without losing it: send FIN (the client reads our answer,
/// then EOF), then read and discard whatever the client still sends until it closes
/// too, or `until`, or [`LINGER_BYTES`]. Closing a socket that has unread bytes, or
/// that receives bytes after it closed, makes the kernel send a reset, and a reset can
/// make the client throw away an answer it has not read yet.
pub fn linger(stream: &mut TcpStream, until: Instant) {
    let _ = stream.shutdown(Direction::Write);
    let mut discarded = 0;
    let mut chunk = [0u8; 16 * 1024];
    while discarded < LINGER_BYTES {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => discarded += n,
        }
    }
}
// ANCHOR_END: linger

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::Status;
    use std::net::{SocketAddr, TcpListener};
    use std::thread;

    const PATIENCE: Duration = Duration::from_millis(300);

    fn busy() -> Response {
        Response::text(Status::SERVICE_UNAVAILABLE, "busy\n").header("Retry-After", "1")
    }

    /// Refuses `connections` connections on a fresh port; returns the address and a
    /// handle that yields how each refusal ended.
    fn refuser(connections: usize) -> (SocketAddr, thread::JoinHandle<Vec<Refusal>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = thread::spawn(move || {
            (0..connections)
                .map(|_| refuse(listener.accept().unwrap().0, &busy(), PATIENCE))
                .collect()
        });
        (addr, handle)
    }

    /// Reads until EOF; a reset, even after the answer, is an error, as it is for `ab`.
    fn read_all(stream: &mut TcpStream) -> Result<String, String> {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut received = Vec::new();
        stream
            .read_to_end(&mut received)
            .map_err(|e| format!("{e} after {received:?}"))?;
        if let Ok(Some(e)) = stream.take_error() {
            return Err(format!("{e} after {received:?}"));
        }
        Ok(String::from_utf8_lossy(&received).into_owned())
    }

    #[test]
    fn a_request_sent_after_a_pause_is_read_before_the_answer() {
        let (addr, handle) = refuser(1);
        let mut stream = TcpStream::connect(addr).unwrap();
        // The refusal is already waiting for us: the answer must not come before the
        // request, or the request would arrive at a closed socket and be reset.
        thread::sleep(Duration::from_millis(100));
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let answer = read_all(&mut stream).unwrap();
        assert!(answer.starts_with("HTTP/1.1 503 "), "{answer}");
        assert!(answer.ends_with("\r\n\r\nbusy\n"), "{answer}");
        assert_eq!(handle.join().unwrap(), [Refusal::AfterRequest]);
    }

    #[test]
    fn a_head_request_is_refused_without_a_body() {
        let (addr, handle) = refuser(1);
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(b"HEAD / HTTP/1.1\r\n\r\n").unwrap();
        let answer = read_all(&mut stream).unwrap();
        assert!(answer.starts_with("HTTP/1.1 503 "), "{answer}");
        assert!(answer.ends_with("\r\n\r\n"), "{answer}");
        assert_eq!(handle.join().unwrap(), [Refusal::AfterRequest]);
    }

    #[test]
    fn a_client_slower_than_the_patience_still_gets_the_answer_without_a_reset() {
        let (addr, handle) = refuser(1);
        let mut stream = TcpStream::connect(addr).unwrap();
        // Wait for the answer that comes without a request, then send the request
        // anyway, as a slow client would: the lingering close reads it away.
        let mut first = [0u8; 12];
        stream.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"HTTP/1.1 503");
        stream.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        let rest = read_all(&mut stream).unwrap();
        assert!(rest.ends_with("busy\n"), "{rest}");
        assert_eq!(handle.join().unwrap(), [Refusal::WithoutRequest]);
    }

    #[test]
    fn a_silent_client_costs_at_most_twice_the_patience() {
        let (addr, handle) = refuser(1);
        let _silent = TcpStream::connect(addr).unwrap();
        let started = Instant::now();
        assert_eq!(handle.join().unwrap(), [Refusal::WithoutRequest]);
        let took = started.elapsed();
        assert!(took < 2 * PATIENCE + Duration::from_millis(500), "{took:?}");
    }
}
