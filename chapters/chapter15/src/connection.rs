//! One client connection as a state machine. The event loop owns many of these and
//! calls `on_readable`, `on_writable` and `on_tick` on them; none of the three ever
//! blocks on the socket, so one slow client cannot hold up the others.
//!
//! Every method tolerates being called when there is nothing to do: a readiness event
//! is a hint, not a promise (mio says so: "spurious events" happen), so "the socket has
//! nothing for us" is `WouldBlock`, and `WouldBlock` is never an error here.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::time::{Duration, Instant};

use mio::Interest;
use mio::net::TcpStream;
use webcore::{HttpError, Limits, Parsed, Plan, Request, Response, Router, log, slow};

/// What every connection needs to know about the server's rules.
#[derive(Debug, Clone)]
pub struct Settings {
    /// From accepting a connection to having its whole request head (and body); also
    /// how long a client that stops reading our answer may stall it.
    pub idle_timeout: Duration,
    pub limits: Limits,
}

// ANCHOR: state
/// Where a connection is in its one request/response exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Collecting the request. The `deadline` is the whole-request idle timeout.
    Reading,
    /// `/sleep`: the answer is due at `until`. Nothing to read or write meanwhile: the
    /// connection just waits in the table, costing no thread.
    Sleeping { until: Instant, duration: Duration },
    /// Sending `output[written..]`, as much as the socket takes each time.
    Writing,
    /// An error answer is out and we sent FIN; we read and throw away whatever the
    /// client is still sending, so that our close does not reset the answer away.
    Draining,
    /// Finished: the event loop deregisters the socket and drops the connection.
    Closed,
}
// ANCHOR_END: state

/// How long, and how much, we keep discarding input after an error answer.
const DRAIN_TIME: Duration = Duration::from_millis(500);
const DRAIN_BYTES: usize = 2 * 1024 * 1024;
/// One `read` at a time goes into this much stack space.
const CHUNK: usize = 16 * 1024;

/// What the log line says once the answer is out.
#[derive(Debug, Clone)]
struct Summary {
    method: String,
    target: String,
    status: u16,
    body_bytes: usize,
    /// A HEAD request: the answer's headers describe the body, which stays home.
    head_only: bool,
}

// ANCHOR: connection
/// One client: its socket, what it sent, what we owe it, and when we give up on it.
pub struct Connection {
    stream: TcpStream,
    peer: String,
    state: State,
    /// Every byte read so far. A non-blocking read returns whatever has arrived, so a
    /// request comes in pieces; we append, never overwrite, and parse the whole buffer.
    input: Vec<u8>,
    /// The response bytes, and how many of them the socket has taken so far: a write
    /// on a non-blocking socket may take only part of what we offer.
    output: Vec<u8>,
    written: usize,
    /// What the event loop registered for us last, so it reregisters only on change.
    pub registered: Interest,
    /// When the current state gives up: the request deadline while `Reading`, the last
    /// progress plus the idle timeout while `Writing`, the end of `Draining`.
    deadline: Instant,
    started: Instant,
    summary: Option<Summary>,
    /// After the answer: close at once (`false`) or drain first (error answers).
    drain_after: bool,
    /// Bytes thrown away while `Draining`; past `DRAIN_BYTES` we close anyway.
    discarded: usize,
}
// ANCHOR_END: connection

impl Connection {
    /// A freshly accepted connection, registered by the caller for `READABLE`.
    pub fn new(stream: TcpStream, peer: SocketAddr, now: Instant, settings: &Settings) -> Self {
        Connection {
            stream,
            peer: peer.to_string(),
            state: State::Reading,
            input: Vec::new(),
            output: Vec::new(),
            written: 0,
            registered: Interest::READABLE,
            deadline: now + settings.idle_timeout,
            started: now,
            summary: None,
            drain_after: false,
            discarded: 0,
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn peer(&self) -> &str {
        &self.peer
    }

    /// The socket, for the event loop to register and deregister.
    pub fn stream_mut(&mut self) -> &mut TcpStream {
        &mut self.stream
    }

    // ANCHOR: interest
    /// What to wait for in the current state. Writable interest only while output is
    /// pending: a socket with room in its send buffer is writable nearly all the time,
    /// and asking for it then would wake the loop for nothing.
    pub fn interest(&self) -> Interest {
        match self.state {
            State::Writing => Interest::WRITABLE,
            // Sleeping sockets stay registered (mio cannot register "nothing"); a
            // readable event while asleep is ignored by `on_readable`.
            _ => Interest::READABLE,
        }
    }
    // ANCHOR_END: interest

    // ANCHOR: on_readable
    /// The socket may have bytes for us: read them all, then see if a request is whole.
    pub fn on_readable(&mut self, router: &Router, settings: &Settings, now: Instant) {
        match self.state {
            State::Reading => {}
            State::Draining => return self.discard_input(),
            // Sleeping or writing: we do not want more input now. It stays in the
            // kernel's buffer (its window fills, the client slows down), which is fine
            // for a server that answers one request per connection.
            _ => return,
        }
        let limit = settings.limits.max_head_bytes + settings.limits.max_body_bytes + CHUNK;
        let eof = match read_until_would_block(&mut self.stream, &mut self.input, limit) {
            Ok(eof) => eof,
            Err(e) => {
                // Typically a reset: the client is gone, there is no one to answer.
                log::event(&self.peer, &format!("read failed: {e}"));
                self.state = State::Closed;
                return;
            }
        };
        match webcore::parse_request(&self.input, &settings.limits) {
            // A client that half-closed right after its request lands here with `eof`
            // set: it still gets its answer.
            Ok(Parsed::Complete { request, .. }) => {
                self.start_answer(router, &request, settings, now)
            }
            Ok(Parsed::Incomplete) if !eof => {} // wait for the next readable event
            Ok(Parsed::Incomplete) if self.input.is_empty() => {
                log::event(&self.peer, "closed without sending a request");
                self.state = State::Closed;
            }
            Ok(Parsed::Incomplete) => {
                self.fail(HttpError::BadRequest("request cut short"), settings, now)
            }
            Err(error) => self.fail(error, settings, now),
        }
    }
    // ANCHOR_END: on_readable

    // ANCHOR: start_answer
    /// A whole request is in: plan the answer and start on it.
    fn start_answer(
        &mut self,
        router: &Router,
        request: &Request,
        settings: &Settings,
        now: Instant,
    ) {
        self.summary = Some(Summary {
            method: request.method.clone(),
            target: request.target.clone(),
            status: 0,
            body_bytes: 0,
            head_only: request.is_head(),
        });
        let head_only = request.is_head();
        match router.plan_or_500(request, &self.peer) {
            Plan::Respond(response) => self.respond(&response, head_only, settings, now),
            // Not a `thread::sleep`: note when the answer is due and go back to the
            // loop. The sweep in the event loop wakes us (`on_tick`).
            Plan::Sleep(duration) => {
                self.state = State::Sleeping {
                    until: now + duration,
                    duration,
                };
            }
            // WRONG ON PURPOSE (chapter 16 fixes it): CPU work runs right here, on the
            // loop's only thread, and every other client waits until it is done.
            Plan::Compute(duration) => {
                let response = slow::burn_cpu(duration);
                self.respond(&response, head_only, settings, Instant::now());
            }
        }
    }
    // ANCHOR_END: start_answer

    /// Turns `response` into bytes and starts writing them.
    fn respond(&mut self, response: &Response, head_only: bool, settings: &Settings, now: Instant) {
        if let Some(summary) = &mut self.summary {
            summary.status = response.status.code;
            summary.body_bytes = response.body.len();
        }
        self.output = response.to_bytes(head_only);
        self.written = 0;
        self.state = State::Writing;
        self.deadline = now + settings.idle_timeout;
        // Try at once rather than waiting for a writable event: the send buffer almost
        // always has room, and a short answer then leaves in this very call.
        self.write_pending(settings, now);
    }

    /// A request we refuse: answer with its status, then drain and close.
    fn fail(&mut self, error: HttpError, settings: &Settings, now: Instant) {
        self.summary = Some(Summary {
            method: "-".into(),
            target: "-".into(),
            status: 0,
            body_bytes: 0,
            head_only: false,
        });
        self.drain_after = true;
        self.respond(&error.into_response(), false, settings, now);
    }

    /// The socket may have room for more output.
    pub fn on_writable(&mut self, settings: &Settings, now: Instant) {
        if self.state == State::Writing {
            self.write_pending(settings, now);
        }
    }

    // ANCHOR: write_pending
    /// Writes from `written` on until the socket says `WouldBlock` or all is out.
    /// Never `write_all`: on a non-blocking socket it fails with `WouldBlock` half-way
    /// and does not tell us how much it wrote.
    fn write_pending(&mut self, settings: &Settings, now: Instant) {
        while self.written < self.output.len() {
            match self.stream.write(&self.output[self.written..]) {
                Ok(0) => return self.give_up("the socket took no bytes"),
                Ok(n) => {
                    self.written += n;
                    // Progress: a slow reader is fine, a stalled one is not.
                    self.deadline = now + settings.idle_timeout;
                }
                // The send buffer is full: stay in `Writing`, wait for writable.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return self.give_up(&format!("went away mid-response: {e}")),
            }
        }
        self.finish(now);
    }
    // ANCHOR_END: write_pending

    /// The whole answer is out: log it, then close or drain.
    fn finish(&mut self, now: Instant) {
        if let Some(summary) = &self.summary {
            log::request(
                &self.peer,
                &summary.method,
                &summary.target,
                summary.status,
                summary.body_bytes,
                now.saturating_duration_since(self.started),
            );
        }
        // Give the memory back now: a multi-MiB file should not outlive its write.
        self.output = Vec::new();
        if self.drain_after {
            // FIN tells the client the answer is complete; it may still be sending.
            let _ = self.stream.shutdown(Shutdown::Write);
            self.state = State::Draining;
            self.deadline = now + DRAIN_TIME;
            self.input = Vec::new();
            self.discard_input();
        } else {
            self.state = State::Closed;
        }
    }

    fn give_up(&mut self, why: &str) {
        log::event(&self.peer, why);
        self.state = State::Closed;
    }

    /// Reads and drops input until `WouldBlock`; EOF, an error or too many bytes close.
    fn discard_input(&mut self) {
        let mut chunk = [0u8; CHUNK];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    self.discarded += n;
                    if self.discarded > DRAIN_BYTES {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        self.state = State::Closed;
    }

    // ANCHOR: on_tick
    /// Time has passed: act on whatever deadline is due.
    pub fn on_tick(&mut self, settings: &Settings, now: Instant) {
        match self.state {
            State::Reading if now >= self.deadline => {
                if self.input.is_empty() {
                    log::event(&self.peer, "sent nothing before the idle timeout");
                    self.state = State::Closed;
                } else {
                    // Started a request but did not finish it in time: 408.
                    self.fail(HttpError::Timeout, settings, now);
                }
            }
            State::Sleeping { until, duration } if now >= until => {
                let head_only = self.summary.as_ref().is_some_and(|s| s.head_only);
                self.respond(&slow::sleep_done(duration), head_only, settings, now);
            }
            State::Writing if now >= self.deadline => {
                self.give_up("stopped reading its answer; gave up");
            }
            State::Draining if now >= self.deadline => self.state = State::Closed,
            _ => {}
        }
    }
    // ANCHOR_END: on_tick
}

// ANCHOR: read_until_would_block
/// Appends everything the socket has to `input`, until `WouldBlock`. Returns whether
/// the client closed its side (EOF). mio's readiness is edge-triggered: it reports
/// "readable" once per arrival, so stopping before `WouldBlock` could leave bytes
/// nobody is told about. The one exception is `limit`: past it the request is too
/// large anyway, and the parser will say so.
fn read_until_would_block(
    stream: &mut TcpStream,
    input: &mut Vec<u8>,
    limit: usize,
) -> io::Result<bool> {
    let mut chunk = [0u8; CHUNK];
    while input.len() < limit {
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(true),
            Ok(n) => input.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}
// ANCHOR_END: read_until_would_block

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream as StdStream};
    use webcore::Status;

    fn settings() -> Settings {
        Settings {
            idle_timeout: Duration::from_secs(5),
            limits: Limits::default(),
        }
    }

    fn router() -> Router {
        Router::new()
            .route(&["GET"], "/", |_| Response::text(Status::OK, "fine\n"))
            .route(&["GET"], "/panic", |_| panic!("a handler bug"))
    }

    /// A connected pair: our side as a non-blocking mio stream, the client's as std.
    fn pair() -> (Connection, StdStream) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let client = StdStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (server, peer) = listener.accept().expect("accept");
        server.set_nonblocking(true).expect("non-blocking");
        let connection = Connection::new(
            TcpStream::from_std(server),
            peer,
            Instant::now(),
            &settings(),
        );
        client
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        (connection, client)
    }

    /// Calls `on_readable` until the state leaves `Reading` (the bytes may take a
    /// moment to cross loopback), at most a second.
    fn read_until_state_changes(connection: &mut Connection) {
        let deadline = Instant::now() + Duration::from_secs(1);
        while connection.state() == State::Reading && Instant::now() < deadline {
            connection.on_readable(&router(), &settings(), Instant::now());
        }
    }

    // ANCHOR: spurious_test
    #[test]
    fn spurious_readiness_changes_nothing() {
        let (mut connection, _client) = pair();
        // Nothing was sent: both calls meet WouldBlock and must leave things as they are.
        for _ in 0..3 {
            connection.on_readable(&router(), &settings(), Instant::now());
            connection.on_writable(&settings(), Instant::now());
            assert_eq!(connection.state(), State::Reading);
            assert_eq!(connection.interest(), Interest::READABLE);
        }
        // A tick before the deadline does nothing either.
        connection.on_tick(&settings(), Instant::now());
        assert_eq!(connection.state(), State::Reading);
    }
    // ANCHOR_END: spurious_test

    #[test]
    fn a_request_in_two_pieces_is_answered_once_whole() {
        let (mut connection, mut client) = pair();
        client.write_all(b"GET / HTTP/1.1\r\n").expect("send");
        // Give the first piece time to arrive, then read it: still incomplete.
        let deadline = Instant::now() + Duration::from_secs(1);
        while connection.input.is_empty() && Instant::now() < deadline {
            connection.on_readable(&router(), &settings(), Instant::now());
        }
        assert_eq!(connection.state(), State::Reading);
        client.write_all(b"\r\n").expect("send");
        read_until_state_changes(&mut connection);
        assert_eq!(
            connection.state(),
            State::Closed,
            "a short answer leaves at once"
        );
        let mut answer = Vec::new();
        drop(connection);
        client.read_to_end(&mut answer).expect("read");
        assert!(answer.starts_with(b"HTTP/1.1 200 OK\r\n"));
        assert!(answer.ends_with(b"fine\n"));
    }

    #[test]
    fn a_half_closed_client_still_gets_its_answer() {
        let (mut connection, mut client) = pair();
        client.write_all(b"GET / HTTP/1.1\r\n\r\n").expect("send");
        client.shutdown(Shutdown::Write).expect("half-close");
        read_until_state_changes(&mut connection);
        drop(connection);
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).expect("read");
        assert!(answer.starts_with(b"HTTP/1.1 200 OK\r\n"), "{answer:?}");
    }

    #[test]
    fn a_panicking_handler_gets_500_not_a_dead_loop() {
        let (mut connection, mut client) = pair();
        client
            .write_all(b"GET /panic HTTP/1.1\r\n\r\n")
            .expect("send");
        read_until_state_changes(&mut connection);
        drop(connection);
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).expect("read");
        assert!(answer.starts_with(b"HTTP/1.1 500 "), "{answer:?}");
    }

    #[test]
    fn deadlines_close_a_silent_client_and_408_a_partial_one() {
        let (mut silent, _client) = pair();
        silent.on_tick(&settings(), Instant::now() + Duration::from_secs(6));
        assert_eq!(silent.state(), State::Closed);

        let (mut partial, mut client) = pair();
        client.write_all(b"GET / HTTP/1.1\r\n").expect("send");
        let deadline = Instant::now() + Duration::from_secs(1);
        while partial.input.is_empty() && Instant::now() < deadline {
            partial.on_readable(&router(), &settings(), Instant::now());
        }
        partial.on_tick(&settings(), Instant::now() + Duration::from_secs(6));
        assert_eq!(partial.state(), State::Draining);
        let mut head = [0u8; 12];
        client.read_exact(&mut head).expect("read");
        assert_eq!(&head, b"HTTP/1.1 408");
    }
}
