//! One client connection as a state machine: chapter 15's, plus a `Computing` state (a
//! worker thread has its `/cpu` job), a `Parked` state (the output budget is spent) and
//! a `deadline()` the event loop keeps in its timers. The event loop calls
//! `on_readable`, `on_writable`, `on_deadline`, `on_computed` and `unpark`; none of them
//! blocks.
//!
//! Every method tolerates being called when there is nothing to do: a readiness event
//! is a hint, not a promise (mio says so: "spurious events" happen), so "the socket has
//! nothing for us" is `WouldBlock`, and `WouldBlock` is never an error here.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Interest, Token};
use webcore::{HttpError, Limits, Parsed, Plan, Request, Response, Router, Status, log, slow};

use crate::cpu_pool::CpuPool;

/// What every connection needs to know about the server's rules.
#[derive(Debug, Clone)]
pub struct Settings {
    /// From accepting a connection to having its whole request head (and body); also
    /// how long a client that stops reading our answer may stall it.
    pub idle_timeout: Duration,
    pub limits: Limits,
}

/// What a connection's handlers need from the server, borrowed for one call.
pub struct Shared<'a> {
    pub router: &'a Router,
    pub settings: &'a Settings,
    pub cpu: &'a CpuPool,
    /// This connection's token: a `/cpu` job carries it to the worker and back.
    pub token: Token,
    /// The server holds more unsent output than `--max-output-mib`: take on no new
    /// answer now.
    pub over_budget: bool,
}

// ANCHOR: state
/// Where a connection is in its one request/response exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Collecting the request. The `deadline` is the whole-request idle timeout.
    Reading,
    /// `/sleep`: the answer is due at `until`, a timer in the event loop.
    Sleeping { until: Instant, duration: Duration },
    /// `/cpu`: a worker thread computes the answer; `on_computed` delivers it.
    Computing,
    /// The request is whole, but the server's output budget is spent: wait (in the
    /// event loop's queue) until slow readers have taken some of it, then answer.
    Parked,
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
    /// The deadline the event loop's timers hold for us, so it can move it exactly.
    pub scheduled: Option<Instant>,
    /// When the current state gives up: the request deadline while `Reading`, the last
    /// progress plus the idle timeout while `Writing`, the end of `Draining`.
    deadline: Instant,
    started: Instant,
    summary: Option<Summary>,
    /// After the answer: close at once (`false`) or drain first (error answers).
    drain_after: bool,
    /// Bytes thrown away while `Draining`; past `DRAIN_BYTES` we close anyway.
    discarded: usize,
    /// The request waiting while `Parked`.
    parked: Option<Request>,
    /// How many unsent output bytes the event loop has counted for us.
    pub accounted: usize,
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
            scheduled: None,
            deadline: now + settings.idle_timeout,
            started: now,
            summary: None,
            parked: None,
            accounted: 0,
            drain_after: false,
            discarded: 0,
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    // ANCHOR: output_budget
    /// Response bytes not yet taken by the socket: what this connection costs the
    /// server's output budget right now.
    pub fn pending_output(&self) -> usize {
        self.output.len().saturating_sub(self.written)
    }

    /// The output budget has room again: answer the parked request.
    pub fn unpark(&mut self, server: &Shared, now: Instant) {
        if self.state != State::Parked {
            return;
        }
        if let Some(request) = self.parked.take() {
            self.start_answer(server, &request, now);
        }
    }
    // ANCHOR_END: output_budget

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

    // ANCHOR: deadline
    /// When this connection next needs the loop's attention if nothing happens on its
    /// socket. The event loop keeps exactly this in its timers.
    pub fn deadline(&self) -> Option<Instant> {
        match self.state {
            State::Reading | State::Writing | State::Draining | State::Parked => {
                Some(self.deadline)
            }
            State::Sleeping { until, .. } => Some(until),
            // A worker will report back; a closed connection needs nothing.
            State::Computing | State::Closed => None,
        }
    }
    // ANCHOR_END: deadline

    // ANCHOR: on_readable
    /// The socket may have bytes for us: read them all, then see if a request is whole.
    pub fn on_readable(&mut self, server: &Shared, now: Instant) {
        let settings = server.settings;
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
            Ok(Parsed::Complete { request, .. }) => self.start_answer(server, &request, now),
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
    fn start_answer(&mut self, server: &Shared, request: &Request, now: Instant) {
        let settings = server.settings;
        if server.over_budget {
            // Backpressure: no new answer while too many bytes wait for slow readers.
            log::event(
                &self.peer,
                "parked: the output budget (--max-output-mib) is spent",
            );
            self.parked = Some(request.clone());
            self.state = State::Parked;
            self.deadline = now + settings.idle_timeout;
            return;
        }
        self.summary = Some(Summary {
            method: request.method.clone(),
            target: request.target.clone(),
            status: 0,
            body_bytes: 0,
            head_only: request.is_head(),
        });
        let head_only = request.is_head();
        match server.router.plan_or_500(request, &self.peer) {
            Plan::Respond(response) => self.respond(&response, head_only, settings, now),
            // Not a `thread::sleep`: note when the answer is due and go back to the
            // loop, whose timers call `on_deadline` then.
            Plan::Sleep(duration) => {
                self.state = State::Sleeping {
                    until: now + duration,
                    duration,
                };
            }
            // Chapter 15 computed right here and stopped every other client. Now a
            // worker thread does it; a full queue is refused at once, not queued.
            Plan::Compute(duration) => match server.cpu.submit(server.token, duration) {
                Ok(()) => self.state = State::Computing,
                Err(_busy) => {
                    let busy = Response::text(
                        Status::SERVICE_UNAVAILABLE,
                        "too much CPU work queued; try again\n",
                    )
                    .header("Retry-After", "1");
                    self.respond(&busy, head_only, settings, now);
                }
            },
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

    // ANCHOR: on_computed
    /// A worker finished this connection's `/cpu` answer.
    pub fn on_computed(&mut self, response: &Response, settings: &Settings, now: Instant) {
        if self.state == State::Computing {
            let head_only = self.summary.as_ref().is_some_and(|s| s.head_only);
            self.respond(response, head_only, settings, now);
        }
    }
    // ANCHOR_END: on_computed

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

    // ANCHOR: on_deadline
    /// The timer for [`Connection::deadline`] fired: act on it. (It checks the time
    /// again, so a call that comes early changes nothing.)
    pub fn on_deadline(&mut self, settings: &Settings, now: Instant) {
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
            State::Parked if now >= self.deadline => {
                self.parked = None;
                let busy = Response::text(
                    Status::SERVICE_UNAVAILABLE,
                    "the server is busy sending; try again\n",
                )
                .header("Retry-After", "1");
                self.respond(&busy, false, settings, now);
            }
            _ => {}
        }
    }
    // ANCHOR_END: on_deadline
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
    use std::sync::Arc;

    fn settings() -> Settings {
        Settings {
            idle_timeout: Duration::from_secs(5),
            limits: Limits::default(),
        }
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
        (connection, client)
    }

    /// Runs `body` with everything `on_readable` needs (a router and a CPU pool
    /// whose waker belongs to a throwaway `Poll`).
    fn with_shared(body: impl FnOnce(&Shared)) {
        let poll = mio::Poll::new().expect("poll");
        let waker = Arc::new(mio::Waker::new(poll.registry(), Token(1)).expect("waker"));
        let cpu = CpuPool::new(1, 4, waker).expect("a CPU pool");
        let router = Router::new()
            .route(&["GET"], "/", |_| Response::text(Status::OK, "fine\n"))
            .plan_route(&["GET"], "/cpu", |_| {
                Plan::Compute(Duration::from_millis(5))
            });
        let settings = settings();
        body(&Shared {
            router: &router,
            settings: &settings,
            cpu: &cpu,
            token: Token(2),
            over_budget: false,
        });
    }

    #[test]
    fn spurious_readiness_changes_nothing() {
        with_shared(|shared| {
            let (mut connection, _client) = pair();
            for _ in 0..3 {
                connection.on_readable(shared, Instant::now());
                connection.on_writable(shared.settings, Instant::now());
                assert_eq!(connection.state(), State::Reading);
            }
            // A timer that fires early changes nothing either.
            connection.on_deadline(shared.settings, Instant::now());
            assert_eq!(connection.state(), State::Reading);
        });
    }

    #[test]
    fn each_state_reports_the_deadline_the_timers_must_hold() {
        with_shared(|shared| {
            let (mut connection, mut client) = pair();
            let accepted = connection
                .deadline()
                .expect("Reading has the idle deadline");
            assert!(accepted > Instant::now() + Duration::from_secs(4));
            client
                .write_all(b"GET /cpu HTTP/1.1\r\n\r\n")
                .expect("send");
            let until = Instant::now() + Duration::from_secs(2);
            while connection.state() == State::Reading && Instant::now() < until {
                connection.on_readable(shared, Instant::now());
            }
            // A worker has the job: no deadline until it reports back.
            assert_eq!(connection.state(), State::Computing);
            assert_eq!(connection.deadline(), None);
            let done = loop {
                if let Some(done) = shared.cpu.finished() {
                    break done;
                }
                assert!(Instant::now() < until, "the worker never finished");
                std::thread::sleep(Duration::from_millis(1));
            };
            assert_eq!(done.token, Token(2));
            connection.on_computed(&done.response, shared.settings, Instant::now());
            assert_eq!(
                connection.state(),
                State::Closed,
                "a short answer leaves at once"
            );
            assert_eq!(connection.deadline(), None);
        });
    }
}
