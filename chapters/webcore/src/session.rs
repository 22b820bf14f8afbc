//! The HTTP side of one connection, with no socket in it.
//!
//! Every server shape in Part II drives a [`Session`] the same way: put the bytes that
//! arrived into [`Session::input`], ask [`Session::next`] what they amount to, answer a
//! request with [`Session::respond`], and send the bytes it hands back. The session
//! decides everything HTTP decides: where one request ends and the next (pipelined)
//! one begins, whether the connection stays open after an answer, and how to close
//! after a request we refuse. The driver decides only how to wait: a blocking `read`
//! (chapters 10, 13, 14), a readiness event (15, 16, 18) or an `.await` (17).
//!
//! Because no socket is involved, all of that is tested here with plain byte strings.

use std::time::{Instant, SystemTime};

use crate::error::HttpError;
use crate::limits::Limits;
use crate::log;
use crate::parse::{Parsed, parse_request};
use crate::request::{Request, Version};
use crate::response::Response;

// ANCHOR: persistence
/// How many requests one connection may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// One request, one answer, then close: chapters 05 to 17.
    OneRequest,
    /// HTTP/1.1 persistent connections (chapter 18): keep the connection open after an
    /// answer, unless the client asked to close, for at most `max_requests` answers.
    KeepAlive { max_requests: usize },
}
// ANCHOR_END: persistence

// ANCHOR: next
/// What the bytes received so far amount to.
#[derive(Debug)]
pub enum Next {
    /// A whole request: work out the answer, then hand it to [`Session::respond`].
    Request(Request),
    /// Not a whole request yet: read more bytes into [`Session::input`].
    Read,
    /// The bytes can never become a valid request (or the client hung up half-way):
    /// send this answer, then close with [`After::Linger`].
    Refuse(Outgoing),
    /// The client closed its side between requests: close ours too, nothing to say.
    Close,
}

/// Bytes to send, and what to do with the connection once they are out.
#[derive(Debug)]
pub struct Outgoing {
    pub bytes: Vec<u8>,
    pub after: After,
    /// The answer's status code, for callers that count.
    pub status: u16,
}

/// What happens to the connection after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Keep it open and read the next request (it may already be in the buffer).
    KeepOpen,
    /// Close it: the client asked to, or the server does not keep connections.
    Close,
    /// Close it gently: we refused a request part-way through reading it, so the client
    /// may still be sending. Send FIN, then read and throw away what still comes, for a
    /// bounded time ([`LINGER_TIME`], [`LINGER_BYTES`]). Closing a socket with unread
    /// bytes makes the kernel send a reset, and a reset can destroy our answer before
    /// the client has read it.
    Linger,
}
// ANCHOR_END: next

/// How long, and how much, a driver keeps discarding input after a refusal.
pub const LINGER_TIME: std::time::Duration = std::time::Duration::from_millis(500);
pub const LINGER_BYTES: usize = 2 * 1024 * 1024;

/// What the log line of the request being answered needs.
#[derive(Debug)]
struct Current {
    method: String,
    target: String,
    head_only: bool,
    keep_alive: bool,
}

// ANCHOR: session
/// One connection's HTTP conversation: what the client sent that is not answered yet,
/// and how many answers it had.
#[derive(Debug)]
pub struct Session {
    /// Bytes received and not yet used by a request. A driver appends to it; bytes
    /// after a whole request stay for the next one (pipelining).
    pub input: Vec<u8>,
    peer: String,
    limits: Limits,
    persistence: Persistence,
    /// Answers given so far on this connection.
    answered: usize,
    /// The request being answered, between `next` and `respond`.
    current: Option<Current>,
    /// When the request being read (or answered) began, for the log line.
    started: Instant,
    /// The server is stopping: the next answer says `Connection: close`.
    closing: bool,
}
// ANCHOR_END: session

impl Session {
    pub fn new(peer: impl Into<String>, limits: Limits, persistence: Persistence) -> Session {
        Session {
            input: Vec::new(),
            peer: peer.into(),
            limits,
            persistence,
            answered: 0,
            current: None,
            started: Instant::now(),
            closing: false,
        }
    }

    /// The client's address, as the log lines show it.
    pub fn peer(&self) -> &str {
        &self.peer
    }

    /// How many bytes [`Session::input`] may hold before the parser must have decided:
    /// a head over the limit is refused, and so is a body over it. A driver reads no
    /// further than this, so no client can make a connection buffer more.
    pub fn input_limit(&self) -> usize {
        self.limits.max_head_bytes + self.limits.max_body_bytes
    }

    /// Whether a request has started arriving (or is being answered): a deadline that
    /// passes now is a 408, not a quiet close.
    pub fn mid_request(&self) -> bool {
        !self.input.is_empty() || self.current.is_some()
    }

    /// Answers given so far on this connection.
    pub fn answered(&self) -> usize {
        self.answered
    }

    /// The server is stopping: answer what is in flight with `Connection: close`.
    pub fn close_after_this(&mut self) {
        self.closing = true;
    }

    // ANCHOR: next_fn
    /// What the bytes in [`Session::input`] amount to. `eof` says the client has
    /// closed its side: no more bytes will come.
    pub fn next(&mut self, eof: bool) -> Next {
        match parse_request(&self.input, &self.limits) {
            Ok(Parsed::Complete { request, consumed }) => {
                // The request's bytes are used; what follows is the next request.
                self.input.drain(..consumed);
                self.current = Some(Current {
                    method: request.method.clone(),
                    target: request.target.clone(),
                    head_only: request.is_head(),
                    keep_alive: self.keeps_alive(&request),
                });
                Next::Request(request)
            }
            Ok(Parsed::Incomplete) if !eof => Next::Read,
            Ok(Parsed::Incomplete) if self.input.is_empty() => {
                if self.answered == 0 {
                    log::event(&self.peer, "closed without sending a request");
                }
                Next::Close
            }
            Ok(Parsed::Incomplete) => self.refuse(HttpError::BadRequest("request cut short")),
            Err(error) => self.refuse(error),
        }
    }
    // ANCHOR_END: next_fn

    // ANCHOR: keeps_alive
    /// Whether the connection stays open after the answer to `request`. HTTP/1.1
    /// connections persist unless the client says `Connection: close`; HTTP/1.0 ones
    /// close unless it says `Connection: keep-alive`. The server has the last word: its
    /// policy, its cap on requests per connection, and a shutdown in progress.
    fn keeps_alive(&self, request: &Request) -> bool {
        let Persistence::KeepAlive { max_requests } = self.persistence else {
            return false;
        };
        let asked = |token: &str| {
            request.header("connection").is_some_and(|value| {
                value
                    .split(',')
                    .any(|item| item.trim().eq_ignore_ascii_case(token))
            })
        };
        let client_wants = match request.version {
            Version::Http11 => !asked("close"),
            Version::Http10 => asked("keep-alive"),
        };
        client_wants && !self.closing && self.answered + 1 < max_requests
    }
    // ANCHOR_END: keeps_alive

    // ANCHOR: respond
    /// The bytes that answer the request [`Session::next`] returned, and what to do
    /// after sending them. Logs the request line.
    pub fn respond(&mut self, response: &Response) -> Outgoing {
        let current = self.current.take();
        let (head_only, keep_alive) = current.as_ref().map_or((false, false), |c| {
            (c.head_only, c.keep_alive && !self.closing)
        });
        let bytes = response.to_bytes_with(head_only, keep_alive, SystemTime::now());
        let (method, target) = current
            .as_ref()
            .map_or(("-", "-"), |c| (c.method.as_str(), c.target.as_str()));
        log::request(
            &self.peer,
            method,
            target,
            response.status.code,
            response.body.len(),
            self.started.elapsed(),
        );
        self.answered += 1;
        self.started = Instant::now();
        let after = if keep_alive {
            After::KeepOpen
        } else {
            After::Close
        };
        Outgoing {
            bytes,
            after,
            status: response.status.code,
        }
    }
    // ANCHOR_END: respond

    // ANCHOR: deadline
    /// The connection's deadline passed while a request was being read: 408 if it had
    /// started, or a quiet close (`None`) for a client that said nothing (a browser's
    /// spare connection, or a kept-alive one with nothing more to ask).
    pub fn timed_out(&mut self) -> Option<Outgoing> {
        if self.input.is_empty() {
            let what = if self.answered == 0 {
                "sent nothing before the idle timeout: closed"
            } else {
                "kept alive and idle for the idle timeout: closed"
            };
            log::event(&self.peer, what);
            None
        } else {
            match self.refuse(HttpError::Timeout) {
                Next::Refuse(outgoing) => Some(outgoing),
                _ => None,
            }
        }
    }
    // ANCHOR_END: deadline

    /// Answers a request we will not serve, and drops what is left of the input: we
    /// can no longer tell where the next request would begin.
    fn refuse(&mut self, error: HttpError) -> Next {
        self.current = None;
        self.input = Vec::new();
        let response = error.into_response();
        let mut outgoing = self.respond(&response);
        outgoing.after = After::Linger;
        Next::Refuse(outgoing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::Status;

    fn keep_alive() -> Session {
        Session::new(
            "test",
            Limits::default(),
            Persistence::KeepAlive { max_requests: 100 },
        )
    }

    fn request(session: &mut Session) -> Request {
        match session.next(false) {
            Next::Request(request) => request,
            other => panic!("expected a request, got {other:?}"),
        }
    }

    fn answer(session: &mut Session) -> (String, After) {
        let outgoing = session.respond(&Response::text(Status::OK, "ok\n"));
        (
            String::from_utf8_lossy(&outgoing.bytes).into_owned(),
            outgoing.after,
        )
    }

    #[test]
    fn pipelined_requests_come_out_one_at_a_time_in_order() {
        let mut session = keep_alive();
        session
            .input
            .extend_from_slice(b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET /c HT");
        for path in ["/a", "/b"] {
            assert_eq!(request(&mut session).path, path);
            let (bytes, after) = answer(&mut session);
            assert!(bytes.contains("Connection: keep-alive\r\n"), "{bytes}");
            assert_eq!(after, After::KeepOpen);
        }
        assert!(matches!(session.next(false), Next::Read));
        session.input.extend_from_slice(b"TP/1.1\r\n\r\n");
        assert_eq!(request(&mut session).path, "/c");
        assert!(session.input.is_empty());
    }

    #[test]
    fn who_asks_to_close_is_honoured() {
        for (raw, keeps) in [
            (&b"GET / HTTP/1.1\r\n\r\n"[..], true),
            (b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
            (
                b"GET / HTTP/1.1\r\nConnection: Upgrade, Close\r\n\r\n",
                false,
            ),
            (b"GET / HTTP/1.0\r\n\r\n", false),
            (b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
        ] {
            let mut session = keep_alive();
            session.input.extend_from_slice(raw);
            request(&mut session);
            let (bytes, after) = answer(&mut session);
            let wanted = if keeps { After::KeepOpen } else { After::Close };
            assert_eq!(after, wanted, "{}", String::from_utf8_lossy(raw));
            let header = if keeps { "keep-alive" } else { "close" };
            assert!(
                bytes.contains(&format!("Connection: {header}\r\n")),
                "{bytes}"
            );
        }
    }

    #[test]
    fn one_request_servers_always_close() {
        let mut session = Session::new("test", Limits::default(), Persistence::OneRequest);
        session.input.extend_from_slice(b"GET / HTTP/1.1\r\n\r\n");
        request(&mut session);
        assert_eq!(answer(&mut session).1, After::Close);
    }

    #[test]
    fn the_cap_on_requests_and_a_shutdown_close_the_connection() {
        let mut session = Session::new(
            "test",
            Limits::default(),
            Persistence::KeepAlive { max_requests: 2 },
        );
        session
            .input
            .extend_from_slice(b"GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n");
        request(&mut session);
        assert_eq!(answer(&mut session).1, After::KeepOpen);
        request(&mut session);
        assert_eq!(answer(&mut session).1, After::Close, "the second of two");

        let mut stopping = keep_alive();
        stopping.input.extend_from_slice(b"GET / HTTP/1.1\r\n\r\n");
        request(&mut stopping);
        stopping.close_after_this();
        assert_eq!(answer(&mut stopping).1, After::Close);
    }

    #[test]
    fn bad_bytes_are_refused_with_a_lingering_close() {
        let mut session = keep_alive();
        session
            .input
            .extend_from_slice(b"NONSENSE\r\n\r\nGET / HTTP/1.1\r\n\r\n");
        let Next::Refuse(outgoing) = session.next(false) else {
            panic!("garbage must be refused");
        };
        let text = String::from_utf8_lossy(&outgoing.bytes);
        assert!(text.starts_with("HTTP/1.1 400 "), "{text}");
        assert!(text.contains("Connection: close\r\n"), "{text}");
        assert_eq!(outgoing.after, After::Linger);
        assert!(
            session.input.is_empty(),
            "nothing after garbage can be trusted"
        );
    }

    #[test]
    fn end_of_input_is_a_close_between_requests_and_a_400_inside_one() {
        let mut session = keep_alive();
        assert!(matches!(session.next(true), Next::Close));
        session.input.extend_from_slice(b"GET / HTT");
        assert!(matches!(session.next(true), Next::Refuse(_)));
    }

    #[test]
    fn a_deadline_is_408_mid_request_and_silence_between_requests() {
        let mut session = keep_alive();
        assert!(session.timed_out().is_none());
        session.input.extend_from_slice(b"GET / HTTP/1.1\r\nHost:");
        let outgoing = session.timed_out().expect("a started request gets 408");
        assert!(outgoing.bytes.starts_with(b"HTTP/1.1 408 "));
        assert_eq!(outgoing.after, After::Linger);
    }

    #[test]
    fn head_answers_keep_the_length_and_drop_the_body() {
        let mut session = keep_alive();
        session.input.extend_from_slice(b"HEAD / HTTP/1.1\r\n\r\n");
        request(&mut session);
        let (bytes, _) = answer(&mut session);
        assert!(bytes.contains("Content-Length: 3\r\n"), "{bytes}");
        assert!(bytes.ends_with("\r\n\r\n"), "{bytes}");
    }
}
