//! One client connection as a non-blocking state machine. The event loop owns many of
//! these and calls `on_readable`, `on_writable` and `on_deadline` on them; none of them
//! ever blocks on the socket, so one slow client cannot hold up the others.
//!
//! The HTTP side (where a request ends, what the answer's bytes are, whether the
//! connection stays open) is webcore's [`Session`], the same one chapters 10, 13, 14
//! and 17 drive. What is left here is only what a non-blocking socket adds: partial
//! reads, partial writes, and remembering where we were between events.
//!
//! Every method tolerates being called when there is nothing to do: a readiness event
//! is a hint, not a promise (mio says so: "spurious events" happen), so "the socket has
//! nothing for us" is `WouldBlock`, and `WouldBlock` is never an error here.
//!
//! The methods that can finish an answer return the *next* request when one is
//! already waiting (pipelining, chapter 18): the caller answers it and hands the answer
//! back with [`Connection::respond`].

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::time::{Duration, Instant};

use mio::Interest;
use mio::net::TcpStream;
use webcore::connection::ConnectionOptions;
use webcore::session::{After, LINGER_BYTES, LINGER_TIME, Next, Outgoing, Session};
use webcore::{Request, Response, log};

// ANCHOR: state
/// Where a connection is in its exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Collecting a request, until the idle deadline.
    Reading,
    /// A whole request is in and its answer is being made elsewhere: a `/sleep` that
    /// ends `until`, a worker thread computing. Nothing to read or write meanwhile; the
    /// connection just waits in the table, costing no thread.
    Waiting { until: Option<Instant> },
    /// Sending `output[written..]`, as much as the socket takes each time.
    Writing,
    /// An error answer is out and we sent FIN; we read and throw away whatever the
    /// client is still sending, so that our close does not reset the answer away.
    Draining,
    /// Finished: the event loop deregisters the socket and drops the connection.
    Closed,
}
// ANCHOR_END: state

/// One `read` at a time goes into this much stack space.
const CHUNK: usize = 4 * 1024;

// ANCHOR: connection
/// One client: its socket, its HTTP session, what we owe it, and when we give up.
pub struct Connection {
    stream: TcpStream,
    /// Bytes in, requests out, answers' bytes back (webcore).
    session: Session,
    state: State,
    /// The answer's bytes, and how many of them the socket has taken so far: a write
    /// on a non-blocking socket may take only part of what we offer.
    output: Vec<u8>,
    written: usize,
    /// What to do once `output` is all out.
    after: After,
    /// The answer to send if `Waiting { until }` runs out (the end of a `/sleep`).
    at_deadline: Option<Response>,
    /// When the current state gives up: the request deadline while `Reading`, the last
    /// progress plus the idle timeout while `Writing`, the end of `Draining`.
    deadline: Instant,
    idle_timeout: Duration,
    /// The kernel may hold bytes we were not told about again: an edge came while we
    /// did not want input, or we stopped reading at the size limit. Readiness is
    /// edge-triggered, so before waiting for the next request we must look ourselves.
    unread: bool,
    /// The client has sent FIN (the event said so): read on to the end-of-file instead
    /// of stopping at a short read, or we would never see it.
    peer_closed: bool,
    /// Bytes thrown away while `Draining`; past `LINGER_BYTES` we close anyway.
    discarded: usize,
}
// ANCHOR_END: connection

impl Connection {
    /// A freshly accepted connection, registered by the caller for `READABLE`.
    pub fn new(
        stream: TcpStream,
        peer: SocketAddr,
        options: &ConnectionOptions,
        now: Instant,
    ) -> Self {
        Connection {
            stream,
            session: Session::new(peer.to_string(), options.limits, options.persistence),
            state: State::Reading,
            output: Vec::new(),
            written: 0,
            after: After::Close,
            at_deadline: None,
            deadline: now + options.idle_timeout,
            idle_timeout: options.idle_timeout,
            unread: false,
            peer_closed: false,
            discarded: 0,
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn peer(&self) -> &str {
        self.session.peer()
    }

    /// Answers given so far on this connection.
    pub fn answered(&self) -> usize {
        self.session.answered()
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
            // A waiting socket stays registered (mio cannot register "nothing"); a
            // readable event meanwhile is noted in `unread` and acted on later.
            _ => Interest::READABLE,
        }
    }
    // ANCHOR_END: interest

    // ANCHOR: deadline
    /// When this connection next needs the loop's attention if nothing happens on its
    /// socket; `None` while a worker computes its answer (the worker reports back).
    pub fn deadline(&self) -> Option<Instant> {
        match self.state {
            State::Reading | State::Writing | State::Draining => Some(self.deadline),
            State::Waiting { until } => until,
            State::Closed => None,
        }
    }
    // ANCHOR_END: deadline

    /// Response bytes not yet taken by the socket: what this connection costs the
    /// server's memory right now (chapter 16 budgets it).
    pub fn pending_output(&self) -> usize {
        self.output.len().saturating_sub(self.written)
    }

    // ANCHOR: on_event
    /// The socket is ready for something: act on what the event says. Errors and
    /// hang-ups are reported as readable/writable too: the next read or write returns
    /// the error (or EOF), and the state machine deals with it. Returns a whole request
    /// when one is in.
    pub fn on_event(&mut self, event: &mio::event::Event, now: Instant) -> Option<Request> {
        let mut request = None;
        if event.is_read_closed() {
            // The client sent FIN: read on to the end-of-file, no event will say more.
            self.peer_closed = true;
        }
        if event.is_readable() || event.is_read_closed() || event.is_error() {
            request = self.on_readable(now);
        }
        if event.is_writable() || event.is_write_closed() {
            request = request.or(self.on_writable(now));
        }
        request
    }
    // ANCHOR_END: on_event

    // ANCHOR: on_readable
    /// The socket may have bytes for us. Returns a whole request when one is in.
    pub fn on_readable(&mut self, now: Instant) -> Option<Request> {
        match self.state {
            State::Reading => self.read_and_parse(now),
            State::Draining => {
                self.discard_input();
                None
            }
            // Waiting or writing: we do not want more input now. It stays in the
            // kernel's buffer (its window fills, the client slows down); we only note
            // that it is there, since this edge will not come again.
            _ => {
                self.unread = true;
                None
            }
        }
    }

    /// Reads everything the socket has (up to the session's limit), then asks the
    /// session what it amounts to.
    fn read_and_parse(&mut self, now: Instant) -> Option<Request> {
        let limit = self.session.input_limit() + CHUNK;
        let until_eof = self.peer_closed;
        let read =
            read_until_would_block(&mut self.stream, &mut self.session.input, limit, until_eof);
        let eof = match read {
            Ok(Drained::WouldBlock) => {
                self.unread = false;
                false
            }
            Ok(Drained::Limit) => {
                self.unread = true;
                false
            }
            Ok(Drained::Eof) => true,
            Err(e) => {
                // Typically a reset: the client is gone, there is no one to answer.
                log::event(self.peer(), &format!("read failed: {e}"));
                self.state = State::Closed;
                return None;
            }
        };
        self.parse(eof, now)
    }

    /// What the session makes of the input so far. A client that half-closed right
    /// after its request (`eof`) still gets its answer.
    fn parse(&mut self, eof: bool, now: Instant) -> Option<Request> {
        match self.session.next(eof) {
            Next::Request(request) => {
                self.state = State::Waiting { until: None };
                Some(request)
            }
            Next::Read => None, // wait for the next readable event
            Next::Refuse(outgoing) => self.send(outgoing, now),
            Next::Close => {
                self.state = State::Closed;
                None
            }
        }
    }
    // ANCHOR_END: on_readable

    // ANCHOR: respond
    /// The answer to the request this connection returned last: start sending it.
    /// Returns the next request if one is already in (pipelining).
    pub fn respond(&mut self, response: &Response, now: Instant) -> Option<Request> {
        if !matches!(self.state, State::Waiting { .. }) {
            return None; // an answer for a connection that gave up meanwhile
        }
        self.at_deadline = None;
        let outgoing = self.session.respond(response);
        self.send(outgoing, now)
    }

    /// The answer will come later: at `until` send `answer` (a `/sleep` ends), unless
    /// [`Connection::respond`] comes first.
    pub fn answer_at(&mut self, until: Instant, answer: Response) {
        self.state = State::Waiting { until: Some(until) };
        self.at_deadline = Some(answer);
    }

    /// The answer will come from elsewhere (a worker thread), with no deadline here.
    pub fn await_answer(&mut self) {
        self.state = State::Waiting { until: None };
        self.at_deadline = None;
    }
    // ANCHOR_END: respond

    fn send(&mut self, outgoing: Outgoing, now: Instant) -> Option<Request> {
        self.output = outgoing.bytes;
        self.written = 0;
        self.after = outgoing.after;
        self.state = State::Writing;
        self.deadline = now + self.idle_timeout;
        // Try at once rather than waiting for a writable event: the send buffer almost
        // always has room, and a short answer then leaves in this very call.
        self.write_pending(now)
    }

    /// The socket may have room for more output.
    pub fn on_writable(&mut self, now: Instant) -> Option<Request> {
        if self.state == State::Writing {
            self.write_pending(now)
        } else {
            None
        }
    }

    // ANCHOR: write_pending
    /// Writes from `written` on until the socket says `WouldBlock` or all is out.
    /// Never `write_all`: on a non-blocking socket it fails with `WouldBlock` half-way
    /// and does not tell us how much it wrote.
    fn write_pending(&mut self, now: Instant) -> Option<Request> {
        while self.written < self.output.len() {
            match self.stream.write(&self.output[self.written..]) {
                Ok(0) => return self.give_up("the socket took no bytes"),
                Ok(n) => {
                    self.written += n;
                    // Progress: a slow reader is fine, a stalled one is not.
                    self.deadline = now + self.idle_timeout;
                }
                // The send buffer is full: stay in `Writing`, wait for writable.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return None,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return self.give_up(&format!("went away mid-response: {e}")),
            }
        }
        self.finish(now)
    }
    // ANCHOR_END: write_pending

    // ANCHOR: finish
    /// The whole answer is out: close, drain, or (keep-alive) go back to reading. The
    /// next request may already be in the input, or in the kernel unannounced.
    fn finish(&mut self, now: Instant) -> Option<Request> {
        // Give the memory back now: a multi-MiB file should not outlive its write.
        self.output = Vec::new();
        match self.after {
            After::KeepOpen => {
                self.state = State::Reading;
                self.deadline = now + self.idle_timeout;
                if self.unread {
                    self.read_and_parse(now)
                } else {
                    self.parse(false, now)
                }
            }
            After::Close => {
                self.state = State::Closed;
                None
            }
            After::Linger => {
                // FIN tells the client the answer is complete; it may still be sending.
                let _ = self.stream.shutdown(Shutdown::Write);
                self.state = State::Draining;
                self.deadline = now + LINGER_TIME;
                self.discard_input();
                None
            }
        }
    }
    // ANCHOR_END: finish

    fn give_up(&mut self, why: &str) -> Option<Request> {
        log::event(self.peer(), why);
        self.state = State::Closed;
        None
    }

    /// Reads and drops input until `WouldBlock`; EOF, an error or too many bytes close.
    fn discard_input(&mut self) {
        let mut chunk = [0u8; CHUNK];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    self.discarded += n;
                    if self.discarded > LINGER_BYTES {
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
    /// Time has passed: act on the deadline if it is due. (It checks the time itself,
    /// so a sweep or an early timer changes nothing.) Returns the next request when
    /// the answer sent here lets a pipelined one through.
    pub fn on_deadline(&mut self, now: Instant) -> Option<Request> {
        match self.state {
            State::Reading if now >= self.deadline => match self.session.timed_out() {
                // Started a request but did not finish it in time: 408.
                Some(outgoing) => self.send(outgoing, now),
                // Said nothing (or nothing more, on a kept-alive connection): close.
                None => {
                    self.state = State::Closed;
                    None
                }
            },
            State::Waiting { until: Some(until) } if now >= until => {
                let answer = self.at_deadline.take()?;
                self.respond(&answer, now)
            }
            State::Writing if now >= self.deadline => {
                self.give_up("stopped reading its answer; gave up")
            }
            State::Draining if now >= self.deadline => {
                self.state = State::Closed;
                None
            }
            _ => None,
        }
    }
    // ANCHOR_END: on_deadline

    // ANCHOR: stop_when_idle
    /// The server is stopping: a connection between requests closes now, one in the
    /// middle of a request finishes it and then closes.
    pub fn stop_when_idle(&mut self) {
        self.session.close_after_this();
        if self.state == State::Reading && !self.session.mid_request() {
            self.state = State::Closed;
        }
    }
    // ANCHOR_END: stop_when_idle
}

/// How a read-until-`WouldBlock` ended.
enum Drained {
    /// The socket has nothing more for now.
    WouldBlock,
    /// The client closed its side.
    Eof,
    /// We stopped at `limit` with bytes perhaps still waiting.
    Limit,
}

// ANCHOR: read_until_would_block
/// Appends everything the socket has to `input`. mio's readiness is edge-triggered: it
/// reports "readable" once per arrival, so stopping while bytes are still waiting
/// could leave bytes nobody is told about. Two ways to know none are left: the socket
/// says `WouldBlock`, or a read came back shorter than the buffer, which means it
/// emptied the kernel's receive queue (the next bytes to arrive raise a new event).
/// Trusting the short read saves one system call per request, the `read` that would
/// only say `WouldBlock`; tokio does the same. After a FIN (`until_eof`) we read on
/// to the end-of-file, which no later event would announce. And at `limit` we stop
/// anyway: the request is too large, and the parser will say so.
fn read_until_would_block(
    stream: &mut TcpStream,
    input: &mut Vec<u8>,
    limit: usize,
    until_eof: bool,
) -> io::Result<Drained> {
    SCRATCH.with(|chunk| {
        let mut chunk = chunk.borrow_mut();
        while input.len() < limit {
            match stream.read(&mut chunk[..]) {
                Ok(0) => return Ok(Drained::Eof),
                Ok(n) => {
                    input.extend_from_slice(&chunk[..n]);
                    if n < chunk.len() && !until_eof {
                        return Ok(Drained::WouldBlock);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Drained::WouldBlock),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(Drained::Limit)
    })
}

thread_local! {
    /// One read buffer per thread, zeroed once. A `[0u8; CHUNK]` on the stack would be
    /// zeroed again for every read: measurable at 50,000 requests a second.
    static SCRATCH: RefCell<[u8; CHUNK]> = const { RefCell::new([0u8; CHUNK]) };
}
// ANCHOR_END: read_until_would_block

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream as StdStream};
    use webcore::Status;
    use webcore::session::Persistence;

    fn options(persistence: Persistence) -> ConnectionOptions {
        ConnectionOptions {
            idle_timeout: Duration::from_secs(5),
            persistence,
            ..ConnectionOptions::default()
        }
    }

    fn fine() -> Response {
        Response::text(Status::OK, "fine\n")
    }

    /// A connected pair: our side as a non-blocking mio stream, the client's as std.
    fn pair(persistence: Persistence) -> (Connection, StdStream) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let client = StdStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (server, peer) = listener.accept().expect("accept");
        server.set_nonblocking(true).expect("non-blocking");
        let connection = Connection::new(
            TcpStream::from_std(server),
            peer,
            &options(persistence),
            Instant::now(),
        );
        client
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        (connection, client)
    }

    /// Calls `on_readable` until a request comes out (the bytes may take a moment to
    /// cross loopback), at most a second.
    fn next_request(connection: &mut Connection) -> Option<Request> {
        let deadline = Instant::now() + Duration::from_secs(1);
        while Instant::now() < deadline {
            if let Some(request) = connection.on_readable(Instant::now()) {
                return Some(request);
            }
            if connection.state() != State::Reading {
                return None;
            }
        }
        None
    }

    // ANCHOR: spurious_test
    #[test]
    fn spurious_readiness_changes_nothing() {
        let (mut connection, _client) = pair(Persistence::OneRequest);
        // Nothing was sent: both calls meet WouldBlock and must leave things as they are.
        for _ in 0..3 {
            assert!(connection.on_readable(Instant::now()).is_none());
            assert!(connection.on_writable(Instant::now()).is_none());
            assert_eq!(connection.state(), State::Reading);
            assert_eq!(connection.interest(), Interest::READABLE);
        }
        // A deadline check before the deadline does nothing either.
        connection.on_deadline(Instant::now());
        assert_eq!(connection.state(), State::Reading);
    }
    // ANCHOR_END: spurious_test

    #[test]
    fn a_request_in_two_pieces_is_answered_once_whole() {
        let (mut connection, mut client) = pair(Persistence::OneRequest);
        client.write_all(b"GET / HTTP/1.1\r\n").expect("send");
        // Give the first piece time to arrive, then read it: still incomplete.
        assert!(next_request(&mut connection).is_none());
        assert_eq!(connection.state(), State::Reading);
        client.write_all(b"\r\n").expect("send");
        let request = next_request(&mut connection).expect("the whole request");
        assert_eq!(request.path, "/");
        assert!(connection.respond(&fine(), Instant::now()).is_none());
        assert_eq!(
            connection.state(),
            State::Closed,
            "a short answer leaves at once"
        );
        drop(connection);
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).expect("read");
        assert!(answer.starts_with(b"HTTP/1.1 200 OK\r\n"));
        assert!(answer.ends_with(b"fine\n"));
    }

    #[test]
    fn a_half_closed_client_still_gets_its_answer() {
        let (mut connection, mut client) = pair(Persistence::OneRequest);
        client.write_all(b"GET / HTTP/1.1\r\n\r\n").expect("send");
        client.shutdown(Shutdown::Write).expect("half-close");
        next_request(&mut connection).expect("the request before the FIN");
        connection.respond(&fine(), Instant::now());
        drop(connection);
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).expect("read");
        assert!(answer.starts_with(b"HTTP/1.1 200 OK\r\n"), "{answer:?}");
    }

    #[test]
    fn pipelined_requests_come_out_one_answer_at_a_time() {
        let (mut connection, mut client) = pair(Persistence::KeepAlive { max_requests: 10 });
        client
            .write_all(b"GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\nConnection: close\r\n\r\n")
            .expect("send");
        let mut next = next_request(&mut connection);
        let mut paths = Vec::new();
        while let Some(request) = next {
            paths.push(request.path.clone());
            next = connection.respond(&fine(), Instant::now());
        }
        assert_eq!(paths, ["/1", "/2", "/3"]);
        assert_eq!(connection.state(), State::Closed);
        drop(connection);
        let mut answers = Vec::new();
        client.read_to_end(&mut answers).expect("read");
        let text = String::from_utf8_lossy(&answers);
        assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 3, "{text}");
    }

    #[test]
    fn deadlines_close_a_silent_client_and_408_a_partial_one() {
        let (mut silent, _client) = pair(Persistence::OneRequest);
        silent.on_deadline(Instant::now() + Duration::from_secs(6));
        assert_eq!(silent.state(), State::Closed);

        let (mut partial, mut client) = pair(Persistence::OneRequest);
        client.write_all(b"GET / HTTP/1.1\r\n").expect("send");
        let deadline = Instant::now() + Duration::from_secs(1);
        while !partial.session.mid_request() && Instant::now() < deadline {
            partial.on_readable(Instant::now());
        }
        partial.on_deadline(Instant::now() + Duration::from_secs(6));
        assert_eq!(partial.state(), State::Draining);
        let mut head = [0u8; 12];
        client.read_exact(&mut head).expect("read");
        assert_eq!(&head, b"HTTP/1.1 408");
    }

    #[test]
    fn a_sleep_answers_at_its_deadline_and_not_before() {
        let (mut connection, mut client) = pair(Persistence::OneRequest);
        client
            .write_all(b"GET /sleep HTTP/1.1\r\n\r\n")
            .expect("send");
        next_request(&mut connection).expect("the request");
        let due = Instant::now() + Duration::from_secs(2);
        connection.answer_at(due, fine());
        assert_eq!(connection.deadline(), Some(due));
        connection.on_deadline(Instant::now());
        assert!(matches!(connection.state(), State::Waiting { .. }));
        connection.on_deadline(due);
        assert_eq!(connection.state(), State::Closed);
    }
}
