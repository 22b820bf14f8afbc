//! The event loop each client thread runs over its share of the connections.
//!
//! A thread per connection would spend the machine on context switches, and a
//! single-threaded `ab` runs out of one core before a fast server does. So each client
//! thread owns a few dozen non-blocking sockets and one `mio::Poll`, and only touches a
//! socket when the kernel says it is ready. Chapter 15 builds the same technique into a
//! server and explains it properly; this file is the tool's version, kept small.
//!
//! Every connection walks through the same phases:
//!
//! ```text
//! Connecting ──▶ Writing ──▶ Reading ──┬─▶ (keep-alive) Writing the next request
//!                                      └─▶ Closing: wait for the server's close, then reconnect
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

use crate::cli::Args;
use crate::response::{Done, Invalid, ResponseReader};
use crate::stats::micros;
use crate::target::{Target, request_bytes};

/// How often a worker checks its connections' deadlines: the precision of `--timeout`.
const DEADLINE_TICK: Duration = Duration::from_millis(10);

/// Everything the workers need to know about the run, shared read-only.
#[derive(Debug)]
pub struct Plan {
    pub addr: SocketAddr,
    pub url: String,
    pub slow_url: Option<String>,
    /// The request bytes for the URL and for the slow URL, built once.
    pub fast_request: Vec<u8>,
    pub slow_request: Option<Vec<u8>>,
    /// The slow share, in requests per million (integer arithmetic: exact counts).
    pub slow_per_million: u64,
    pub requests: u64,
    pub keep_alive: bool,
    pub timeout: Duration,
}

impl Plan {
    pub fn from_args(args: &Args) -> Result<Plan, String> {
        let target = Target::parse(&args.url)?;
        let addr = target.resolve()?;
        let slow = match &args.slow_url {
            Some(url) => Some(target.with_path_or_url(url)?),
            None => None,
        };
        Ok(Plan {
            addr,
            url: format!("http://{}:{}{}", target.host, target.port, target.path),
            slow_url: slow
                .as_ref()
                .map(|t| format!("http://{}:{}{}", t.host, t.port, t.path)),
            fast_request: request_bytes(&target, args.keep_alive),
            slow_request: slow.as_ref().map(|t| request_bytes(t, args.keep_alive)),
            slow_per_million: (args.slow_share * 1e6).round() as u64,
            requests: args.requests,
            keep_alive: args.keep_alive,
            timeout: args.timeout(),
        })
    }

    // ANCHOR: is_slow
    /// Whether request number `ticket` goes to the slow URL. The slow ones are spread
    /// evenly (with a share of 0.1, tickets 9, 19, 29, ...) and there are exactly
    /// `floor(n × share)` of them: a run is repeatable, and a test can count them.
    pub fn is_slow(&self, ticket: u64) -> bool {
        let share = self.slow_per_million;
        self.slow_request.is_some() && (ticket + 1) * share / 1_000_000 > ticket * share / 1_000_000
    }
    // ANCHOR_END: is_slow
}

/// What all workers share: the ticket counter that hands out exactly `-n` requests, and
/// the number finished so far, for the progress bar.
#[derive(Debug, Default)]
pub struct Shared {
    next_ticket: AtomicU64,
    pub completed: AtomicU64,
}

/// Why a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorKind {
    /// Nobody listens on the port (`ECONNREFUSED`): the server is down, or its backlog full.
    ConnectRefused,
    /// Connecting failed otherwise (no route, out of local ports, ...).
    Connect,
    /// The server reset the connection (`ECONNRESET`, `EPIPE`).
    Reset,
    /// No complete response within `--timeout`.
    Timeout,
    /// The server closed the connection before a complete response.
    ClosedEarly,
    /// Bytes that are not an HTTP response we can use.
    BadResponse,
    /// Any other I/O error.
    Io,
}

impl ErrorKind {
    /// A short, stable name, used in the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::ConnectRefused => "connect_refused",
            ErrorKind::Connect => "connect",
            ErrorKind::Reset => "reset",
            ErrorKind::Timeout => "timeout",
            ErrorKind::ClosedEarly => "closed_early",
            ErrorKind::BadResponse => "bad_response",
            ErrorKind::Io => "io",
        }
    }

    fn of_connect(error: &io::Error) -> ErrorKind {
        match error.kind() {
            io::ErrorKind::ConnectionRefused => ErrorKind::ConnectRefused,
            _ => ErrorKind::Connect,
        }
    }

    fn of_transfer(error: &io::Error) -> ErrorKind {
        match error.kind() {
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => ErrorKind::Reset,
            io::ErrorKind::ConnectionRefused => ErrorKind::ConnectRefused,
            _ => ErrorKind::Io,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::ConnectRefused => "connection refused",
            ErrorKind::Connect => "connect failed",
            ErrorKind::Reset => "connection reset",
            ErrorKind::Timeout => "timeout",
            ErrorKind::ClosedEarly => "closed before a full response",
            ErrorKind::BadResponse => "bad response",
            ErrorKind::Io => "other I/O error",
        })
    }
}

/// What one worker saw. Workers never share these: they are merged at the end.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Latencies of complete responses to the URL, in microseconds.
    pub fast: Vec<u64>,
    /// Latencies of complete responses to the slow URL.
    pub slow: Vec<u64>,
    pub statuses: BTreeMap<u16, u64>,
    pub errors: BTreeMap<ErrorKind, u64>,
    /// Bytes received in complete responses, heads included.
    pub bytes: u64,
    /// TCP connections opened.
    pub connections: u64,
}

impl Tally {
    pub fn merge(&mut self, other: Tally) {
        self.fast.extend(other.fast);
        self.slow.extend(other.slow);
        for (status, count) in other.statuses {
            *self.statuses.entry(status).or_default() += count;
        }
        for (kind, count) in other.errors {
            *self.errors.entry(kind).or_default() += count;
        }
        self.bytes += other.bytes;
        self.connections += other.connections;
    }

    /// Requests that ended, with a response or an error.
    pub fn completed(&self) -> u64 {
        (self.fast.len() + self.slow.len()) as u64 + self.errors.values().sum::<u64>()
    }
}

/// One request in flight.
#[derive(Debug, Clone, Copy)]
struct Request {
    slow: bool,
    /// When it started: before connecting for a new connection, before writing on a
    /// reused one. Latency runs from here to the response's last byte.
    started: Instant,
    deadline: Instant,
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for the non-blocking `connect` to finish.
    Connecting,
    /// Sending the request; `written` bytes are out.
    Writing { written: usize },
    /// Reading the response.
    Reading,
    /// The response is recorded; waiting for the server to close its end, so that the
    /// server (like with a browser) and not the client holds the closed socket's state.
    Closing,
}

struct Connection {
    stream: TcpStream,
    phase: Phase,
    request: Request,
    reader: ResponseReader,
    /// Responses completed on this connection: a reused connection the server has
    /// meanwhile closed gets its request retried once on a new one.
    served: u64,
}

/// What to do with a connection after driving it.
enum Step {
    /// Keep it and wait for its next event.
    Wait,
    /// Close it and open a new one, for `retry` or for the next ticket.
    Reconnect { retry: Option<Request> },
}

struct Worker<'a> {
    plan: &'a Plan,
    shared: &'a Shared,
    poll: Poll,
    /// Slot `i` is the connection with `Token(i)`; `None` once there is no work left for it.
    slots: Vec<Option<Connection>>,
    active: usize,
    tally: Tally,
    /// Where every read lands; only a response's head is ever copied out of it.
    scratch: Vec<u8>,
}

// ANCHOR: run_worker
/// Runs `connections` connections until the shared tickets run out, then returns what
/// this worker saw.
pub fn run_worker(plan: &Plan, shared: &Shared, connections: usize) -> io::Result<Tally> {
    let mut worker = Worker {
        plan,
        shared,
        poll: Poll::new()?,
        slots: (0..connections).map(|_| None).collect(),
        active: 0,
        tally: Tally::default(),
        scratch: vec![0; 64 * 1024],
    };
    for slot in 0..connections {
        worker.open(slot, None);
    }
    let mut events = Events::with_capacity(1024);
    let mut last_check = Instant::now();
    while worker.active > 0 {
        // Wake at least every tick, so deadlines are checked even when nothing happens.
        match worker.poll.poll(&mut events, Some(DEADLINE_TICK)) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            result => result?,
        }
        for event in events.iter() {
            worker.on_event(event.token().0);
        }
        if last_check.elapsed() >= DEADLINE_TICK {
            worker.expire_overdue();
            last_check = Instant::now();
        }
    }
    Ok(worker.tally)
}
// ANCHOR_END: run_worker

impl Worker<'_> {
    /// Hands out the next request, or `None` when all `-n` have been handed out.
    fn next_request(&self) -> Option<Request> {
        let ticket = self.shared.next_ticket.fetch_add(1, Ordering::Relaxed);
        (ticket < self.plan.requests).then(|| {
            let started = Instant::now();
            Request {
                slow: self.plan.is_slow(ticket),
                started,
                deadline: started + self.plan.timeout,
            }
        })
    }

    fn request_bytes(&self, request: &Request) -> &[u8] {
        match (&self.plan.slow_request, request.slow) {
            (Some(slow), true) => slow,
            _ => &self.plan.fast_request,
        }
    }

    // ANCHOR: open
    /// Opens a new connection in `slot` for `retry` or the next ticket. A connect that
    /// fails at once counts as that request's error, and the next ticket gets a try.
    fn open(&mut self, slot: usize, mut retry: Option<Request>) {
        while let Some(request) = retry.take().or_else(|| self.next_request()) {
            // Non-blocking: returns at once; the socket becomes writable when connected.
            let connected = TcpStream::connect(self.plan.addr).and_then(|mut stream| {
                let interest = Interest::READABLE | Interest::WRITABLE;
                self.poll
                    .registry()
                    .register(&mut stream, Token(slot), interest)?;
                Ok(stream)
            });
            match connected {
                Ok(stream) => {
                    self.tally.connections += 1;
                    self.slots[slot] = Some(Connection {
                        stream,
                        phase: Phase::Connecting,
                        request,
                        reader: ResponseReader::default(),
                        served: 0,
                    });
                    self.active += 1;
                    return;
                }
                Err(e) => self.record_error(ErrorKind::of_connect(&e)),
            }
        }
    }
    // ANCHOR_END: open

    fn close(&mut self, mut connection: Connection) {
        // Closing the socket would remove it from the poll too; saying so is clearer.
        let _ = self.poll.registry().deregister(&mut connection.stream);
        drop(connection);
    }

    fn on_event(&mut self, slot: usize) {
        // An event can outlive its connection within one batch: then the slot is empty
        // (or holds a newer connection, which treats it as a spurious wake-up).
        let Some(mut connection) = self.slots[slot].take() else {
            return;
        };
        self.active -= 1;
        match self.drive(&mut connection) {
            Step::Wait => {
                self.slots[slot] = Some(connection);
                self.active += 1;
            }
            Step::Reconnect { retry } => {
                self.close(connection);
                self.open(slot, retry);
            }
        }
    }

    // ANCHOR: drive
    /// Moves a connection as far as it goes without blocking: every phase loops until
    /// the socket says `WouldBlock` (mio reports edges: a readiness not used up now is
    /// not reported again).
    fn drive(&mut self, connection: &mut Connection) -> Step {
        loop {
            match connection.phase {
                Phase::Connecting => match connection.stream.take_error() {
                    Ok(Some(e)) | Err(e) => return self.fail(ErrorKind::of_connect(&e)),
                    Ok(None) => match connection.stream.peer_addr() {
                        Ok(_) => {
                            // One write per request, nothing to coalesce: no Nagle delay.
                            let _ = connection.stream.set_nodelay(true);
                            connection.phase = Phase::Writing { written: 0 };
                        }
                        // A wake-up before the handshake finished: wait for the next one.
                        Err(e) if e.kind() == io::ErrorKind::NotConnected => return Step::Wait,
                        Err(e) => return self.fail(ErrorKind::of_connect(&e)),
                    },
                },
                Phase::Writing { written } => {
                    let bytes = &self.request_bytes(&connection.request)[written..];
                    match connection.stream.write(bytes) {
                        Ok(n) if n == bytes.len() => {
                            // Go straight on to reading. A server may answer before it
                            // has read our request (a 503 at accept, say); that readable
                            // edge may already have fired while we were writing, and an
                            // edge is not reported twice. One read that says `WouldBlock`
                            // is cheap insurance against waiting for an edge that is gone.
                            connection.phase = Phase::Reading;
                        }
                        Ok(n) => {
                            connection.phase = Phase::Writing {
                                written: written + n,
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Step::Wait,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return self.transfer_failed(connection, &e),
                    }
                }
                Phase::Reading | Phase::Closing => {
                    match connection.stream.read(&mut self.scratch) {
                        Ok(0) => return self.server_closed(connection),
                        Ok(n) => {
                            if let Some(step) = self.received(connection, n) {
                                return step;
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Step::Wait,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return self.transfer_failed(connection, &e),
                    }
                }
            }
        }
    }
    // ANCHOR_END: drive

    // ANCHOR: received
    /// `n` bytes of the response arrived in `scratch`. `None` means: keep reading.
    fn received(&mut self, connection: &mut Connection, n: usize) -> Option<Step> {
        if let Phase::Closing = connection.phase {
            return None; // The response is counted; whatever follows is not ours.
        }
        match connection.reader.feed(&self.scratch[..n]) {
            Ok(None) => None,
            Ok(Some(done)) => {
                self.record_response(&connection.request, done);
                connection.served += 1;
                if done.server_closes {
                    connection.phase = Phase::Closing;
                    return None;
                }
                if !self.plan.keep_alive {
                    // We asked to close and the server answered that it keeps the
                    // connection anyway: no close will come. The response is counted;
                    // close our end instead of waiting out the deadline.
                    return Some(Step::Reconnect { retry: None });
                }
                // Keep-alive: the next request goes out on this very connection.
                let Some(next) = self.next_request() else {
                    return Some(Step::Reconnect { retry: None }); // no work left: close
                };
                connection.request = next;
                connection.reader.reset();
                connection.phase = Phase::Writing { written: 0 };
                None
            }
            Err(Invalid::ClosedEarly { .. }) => Some(self.fail(ErrorKind::ClosedEarly)),
            Err(Invalid::Bad(_)) => Some(self.fail(ErrorKind::BadResponse)),
        }
    }
    // ANCHOR_END: received

    /// The server closed its end (a read returned 0).
    fn server_closed(&mut self, connection: &mut Connection) -> Step {
        match connection.phase {
            Phase::Closing => Step::Reconnect { retry: None },
            _ => match connection.reader.closed() {
                Ok(done) => {
                    self.record_response(&connection.request, done);
                    Step::Reconnect { retry: None }
                }
                Err(Invalid::ClosedEarly { received: 0 }) if connection.served > 0 => {
                    // A kept-alive connection the server closed while idle (its keep-alive
                    // timeout, or it answers one request per connection): not the
                    // request's fault. Browsers retry; so do we, once, on a new connection.
                    Step::Reconnect {
                        retry: Some(connection.request),
                    }
                }
                Err(Invalid::ClosedEarly { .. }) => self.fail(ErrorKind::ClosedEarly),
                Err(Invalid::Bad(_)) => self.fail(ErrorKind::BadResponse),
            },
        }
    }

    /// A read or write failed.
    fn transfer_failed(&mut self, connection: &mut Connection, error: &io::Error) -> Step {
        let kind = ErrorKind::of_transfer(error);
        match connection.phase {
            // The response is already counted: a reset while closing changes nothing.
            Phase::Closing => Step::Reconnect { retry: None },
            // Same as a silent close of an idle kept-alive connection (see above).
            _ if kind == ErrorKind::Reset
                && connection.served > 0
                && connection.reader.received() == 0 =>
            {
                Step::Reconnect {
                    retry: Some(connection.request),
                }
            }
            _ => self.fail(kind),
        }
    }

    /// Counts the current request as failed; the connection is closed and replaced.
    fn fail(&mut self, kind: ErrorKind) -> Step {
        self.record_error(kind);
        Step::Reconnect { retry: None }
    }

    /// Fails every request past its deadline and replaces its connection.
    fn expire_overdue(&mut self) {
        let now = Instant::now();
        for slot in 0..self.slots.len() {
            let overdue = matches!(&self.slots[slot], Some(c) if c.request.deadline <= now);
            if !overdue {
                continue;
            }
            let connection = self.slots[slot].take().expect("checked just above");
            self.active -= 1;
            // A connection in `Closing` has its response counted already; the server
            // just never closed. Drop it without an error.
            if !matches!(connection.phase, Phase::Closing) {
                self.record_error(ErrorKind::Timeout);
            }
            self.close(connection);
            self.open(slot, None);
        }
    }

    fn record_response(&mut self, request: &Request, done: Done) {
        let latency = micros(request.started.elapsed());
        if request.slow {
            self.tally.slow.push(latency);
        } else {
            self.tally.fast.push(latency);
        }
        *self.tally.statuses.entry(done.status).or_default() += 1;
        self.tally.bytes += done.bytes as u64;
        self.shared.completed.fetch_add(1, Ordering::Relaxed);
    }

    fn record_error(&mut self, kind: ErrorKind) {
        *self.tally.errors.entry(kind).or_default() += 1;
        self.shared.completed.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn plan(extra: &[&str]) -> Plan {
        let mut argv = vec!["chapter12", "http://127.0.0.1:1/"];
        argv.extend_from_slice(extra);
        Plan::from_args(&Args::try_parse_from(argv).expect("valid flags")).expect("valid plan")
    }

    #[test]
    fn the_slow_share_is_exact_and_evenly_spread() {
        let p = plan(&["--slow-url", "/sleep?ms=5", "--slow-share", "0.1"]);
        let slow: Vec<u64> = (0..100).filter(|&t| p.is_slow(t)).collect();
        assert_eq!(slow, vec![9, 19, 29, 39, 49, 59, 69, 79, 89, 99]);
        assert_eq!((0..37).filter(|&t| p.is_slow(t)).count(), 3);
        let p = plan(&["--slow-url", "/s", "--slow-share", "0.333"]);
        assert_eq!((0..1000).filter(|&t| p.is_slow(t)).count(), 333);
        let p = plan(&["--slow-share", "0.5"]); // no slow URL: nothing is slow
        assert!((0..10).all(|t| !p.is_slow(t)));
    }
}
