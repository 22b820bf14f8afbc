//! Seed 004's echo protocol, once for every chapter that serves it.
//!
//! Each line a client sends is answered with the line before it and then the line
//! itself: after `Hello World!:0\n` and `Hello World!:1\n` the second answer is
//! `Hello World!:0\nHello World!:1\n`. A client that sends no whole line for 5 s is
//! dropped, at most 10,000 clients are served at once, and a client that hangs up is
//! noticed (the seed's "disconnect detection").
//!
//! Four chapters serve it four ways, each as a binary of its own: chapter 10's
//! `echo-lines-sequential` one client at a time, 13's `echo-lines-threads` a thread per
//! client, 15's `echo-lines-mio` one event loop, 17's `echo-lines` tokio tasks. (Four
//! binaries of one name would overwrite each other in `target/`.) What does not depend
//! on how the bytes move is here, so the four differ only in that:
//!
//! - [`Conversation`]: the protocol with no socket: bytes in, answer bytes out.
//! - [`Ending`]: how a conversation ends, and the log line that says so.
//! - [`EchoArgs`], [`CapArgs`]: the flags, and the listening socket.
//! - [`serve_client`], [`accept`]: the blocking side, which chapters 10 and 13 share.
//! - [`converse`], [`crowd`]: the seed's client, for `echo-lines-load` and the tests.
//! - [`checks`]: what each model must show, run by every chapter's `tests/echo_lines.rs`.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, PoisonError, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use crate::accept::{Next, after_accept_error};
use crate::log;

// ANCHOR: limits
/// How long a client may take to send its next whole line (the seed's gevent
/// `wait_read(timeout=5)`). It counts from the last answer, not from the last byte: a
/// client dribbling a byte every 4 s is still dropped, as chapter 10 taught for HTTP.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5);
/// Clients served at once (the seed's gevent `Pool(10000)`); the next one waits in the
/// kernel's backlog until one leaves.
pub const MAX_CLIENTS: u32 = 10_000;
/// The longest line we keep: a client that never sends `\n` must not fill our memory.
pub const MAX_LINE: usize = 8 * 1024;
// ANCHOR_END: limits

/// How many connections may wait to be accepted: room for the whole crowd of a
/// `echo-lines-load` run, up to `net.core.somaxconn`, which caps it silently.
const BACKLOG: i32 = 4096;

// ANCHOR: conversation
/// One client's side of the protocol, with no socket: feed it what each read returned,
/// send what it answers. Every model of the server drives one of these per client.
#[derive(Debug)]
pub struct Conversation {
    /// Bytes received that do not end a line yet.
    partial: Vec<u8>,
    /// The last whole line, `\n` included: the first half of the next answer.
    previous: Vec<u8>,
    /// Lines answered so far, for the log line at the end.
    answered: u64,
    /// When the client came or the last line was answered: the idle limit counts from
    /// here.
    quiet_since: Instant,
}

impl Conversation {
    pub fn new(now: Instant) -> Conversation {
        Conversation {
            partial: Vec::new(),
            previous: Vec::new(),
            answered: 0,
            quiet_since: now,
        }
    }

    /// Takes the bytes one read returned and appends to `answers` the answer to every
    /// line they complete (none, one, or several: TCP keeps no message boundaries, so
    /// a line may come in pieces and two lines in one read).
    pub fn receive(
        &mut self,
        bytes: &[u8],
        now: Instant,
        answers: &mut Vec<u8>,
    ) -> Result<(), Ending> {
        let mut rest = bytes;
        while let Some(newline) = rest.iter().position(|&byte| byte == b'\n') {
            let (end_of_line, after) = rest.split_at(newline + 1);
            self.partial.extend_from_slice(end_of_line);
            if self.partial.len() > MAX_LINE {
                return Err(Ending::LineTooLong);
            }
            answer(&self.previous, &self.partial, answers);
            // The line just answered is the next answer's first half.
            std::mem::swap(&mut self.previous, &mut self.partial);
            self.partial.clear();
            self.answered += 1;
            self.quiet_since = now;
            rest = after;
        }
        self.partial.extend_from_slice(rest);
        if self.partial.len() > MAX_LINE {
            return Err(Ending::LineTooLong);
        }
        Ok(())
    }

    /// When the client will have been quiet for `idle`: past it, the conversation
    /// ends as [`Ending::Silent`].
    pub fn deadline(&self, idle: Duration) -> Instant {
        self.quiet_since + idle
    }

    pub fn answered(&self) -> u64 {
        self.answered
    }
}

/// The protocol itself: the previous line, then this one.
pub fn answer(previous: &[u8], line: &[u8], answers: &mut Vec<u8>) {
    answers.extend_from_slice(previous);
    answers.extend_from_slice(line);
}
// ANCHOR_END: conversation

// ANCHOR: ending
/// How a conversation ended. Every model logs it the same way ([`Ending::log`]), so
/// a test can look for the same line whichever server it runs.
#[derive(Debug)]
pub enum Ending {
    /// A read returned 0 bytes: the client closed its side. This is the seed's
    /// disconnect detection (Python's `readline()` returning `''`).
    Disconnected,
    /// No whole line within the idle limit.
    Silent,
    /// A line longer than [`MAX_LINE`].
    LineTooLong,
    /// The client stopped reading our answers for the idle limit.
    NotReading,
    /// The connection broke (a reset, say).
    Failed(io::Error),
}

impl Ending {
    /// What a failed write means: a full socket for the whole timeout is a client that
    /// stopped reading; anything else, a broken connection.
    pub fn after_write(error: io::Error) -> Ending {
        match error.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Ending::NotReading,
            _ => Ending::Failed(error),
        }
    }

    /// `127.0.0.1:40112 disconnected (10 lines answered)`: one line per client that leaves,
    /// however it left.
    pub fn log(&self, peer: SocketAddr, conversation: &Conversation) {
        let lines = conversation.answered();
        let plural = if lines == 1 { "" } else { "s" };
        log::event(
            &peer.to_string(),
            &format!("{self} ({lines} line{plural} answered)"),
        );
    }
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ending::Disconnected => write!(f, "disconnected"),
            Ending::Silent => write!(f, "sent no whole line in time: closed"),
            Ending::LineTooLong => write!(f, "sent a line over {MAX_LINE} bytes: closed"),
            Ending::NotReading => write!(f, "stopped reading its answers: closed"),
            Ending::Failed(e) => write!(f, "connection failed ({e})"),
        }
    }
}
// ANCHOR_END: ending

/// `--addr` and `--idle`: the flags of every `echo-lines` binary.
#[derive(clap::Args, Debug, Clone)]
pub struct EchoArgs {
    /// Address to listen on (the seed's port); port 0 lets the system pick a free port.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:1234",
          value_parser = crate::cli::parse_addr)]
    pub addr: SocketAddr,
    /// Seconds a client may take to send its next whole line before we hang up.
    #[arg(long, value_name = "SECS", default_value_t = IDLE_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle: u64,
}

/// `--max-clients`: for the models that serve several clients at once.
#[derive(clap::Args, Debug, Clone)]
pub struct CapArgs {
    /// Clients served at once; the next one waits in the backlog until one leaves.
    #[arg(long = "max-clients", value_name = "N", default_value_t = MAX_CLIENTS,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_clients: u32,
}

impl EchoArgs {
    pub fn idle(&self) -> Duration {
        Duration::from_secs(self.idle)
    }

    /// Binds `--addr` (blocking; a model that wants it non-blocking converts it) and
    /// prints the workbook's ready line with the port really bound. The error is the
    /// one line `main` prints.
    pub fn listen(&self) -> Result<TcpListener, String> {
        let listener = crate::ready::bind_with_backlog(self.addr, BACKLOG)
            .map_err(|e| format!("cannot listen on {}: {e}", self.addr))?;
        let bound = listener
            .local_addr()
            .map_err(|e| format!("cannot read the bound address: {e}"))?;
        crate::ready::announce(bound);
        Ok(listener)
    }
}

impl CapArgs {
    pub fn max_clients(&self) -> usize {
        self.max_clients as usize
    }
}

// ANCHOR: accept
/// The next client, after webcore's one rule for a failed `accept` (go on, or pause on
/// a shortage). An error comes back only when the listening socket itself is broken.
pub fn accept(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    loop {
        let error = match listener.accept() {
            Ok(accepted) => return Ok(accepted),
            Err(e) => e,
        };
        match after_accept_error(&error) {
            Next::Retry => {}
            Next::BackOff(pause) => thread::sleep(pause),
            Next::Stop => return Err(error),
        }
    }
}
// ANCHOR_END: accept

// ANCHOR: serve_client
/// Talks with one client on a blocking socket until the conversation ends, and logs
/// how it ended. Chapter 10 calls it from its accept loop, chapter 13 from a thread.
pub fn serve_client(mut stream: TcpStream, peer: SocketAddr, idle: Duration) -> Ending {
    let mut conversation = Conversation::new(Instant::now());
    let mut chunk = [0u8; 4096];
    let mut answers = Vec::new();
    // A client that stops reading blocks our `write_all` at most this long.
    let ending = match stream.set_write_timeout(Some(idle)) {
        Err(e) => Ending::Failed(e),
        Ok(()) => loop {
            // One deadline per line: before each read, wait only for what is left.
            let left = conversation
                .deadline(idle)
                .saturating_duration_since(Instant::now());
            if left.is_zero() {
                break Ending::Silent;
            }
            if let Err(e) = stream.set_read_timeout(Some(left)) {
                break Ending::Failed(e);
            }
            let read = match stream.read(&mut chunk) {
                Ok(0) => break Ending::Disconnected,
                Ok(read) => read,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // A read timeout is `WouldBlock` on Linux: round to the deadline check.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => break Ending::Failed(e),
            };
            answers.clear();
            if let Err(ending) = conversation.receive(&chunk[..read], Instant::now(), &mut answers)
            {
                break ending;
            }
            if let Err(e) = stream.write_all(&answers) {
                break Ending::after_write(e);
            }
        },
    };
    ending.log(peer, &conversation);
    ending
}
// ANCHOR_END: serve_client

/// How one client of the experiment talks: how many lines, how far apart, and how
/// long it waits for each answer before it counts as failed.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    pub messages: usize,
    pub interval: Duration,
    pub patience: Duration,
}

/// What one client saw.
#[derive(Debug, Default)]
pub struct ClientReport {
    pub replies_ok: usize,
    /// From sending each line to having its whole answer.
    pub latencies: Vec<Duration>,
    /// Why the client stopped early, if it did.
    pub failure: Option<String>,
}

/// The seed's message number `n`.
pub fn message(n: usize) -> String {
    format!("Hello World!:{n}\n")
}

// ANCHOR: converse
/// One client: connect, then send `Hello World!:0\n`, `:1`, … one every
/// `pace.interval`, and check that each answer is the previous line and this one.
pub fn converse(addr: SocketAddr, pace: Pace) -> ClientReport {
    let mut report = ClientReport::default();
    let mut stream = match TcpStream::connect_timeout(&addr, pace.patience) {
        Ok(stream) => stream,
        Err(e) => return report.failed(format!("connect: {e}")),
    };
    if let Err(e) = stream.set_read_timeout(Some(pace.patience)) {
        return report.failed(format!("set a read timeout: {e}"));
    }
    let mut previous = String::new();
    let mut next_send = Instant::now();
    for n in 0..pace.messages {
        thread::sleep(next_send.saturating_duration_since(Instant::now()));
        let line = message(n);
        let expected = format!("{previous}{line}");
        let sent = Instant::now();
        if let Err(e) = stream.write_all(line.as_bytes()) {
            return report.failed(format!("message {n}: send: {e}"));
        }
        // The answer's length is known: read exactly that much.
        let mut reply = vec![0u8; expected.len()];
        if let Err(e) = stream.read_exact(&mut reply) {
            return report.failed(format!("message {n}: no whole answer: {e}"));
        }
        report.latencies.push(sent.elapsed());
        if reply != expected.as_bytes() {
            let got = String::from_utf8_lossy(&reply);
            return report.failed(format!("message {n}: expected {expected:?}, got {got:?}"));
        }
        report.replies_ok += 1;
        previous = line;
        // A late answer delays the next line rather than bunching the rest up, as the
        // seed's `sleep(1)` after each answer did.
        next_send = sent + pace.interval;
    }
    report
}
// ANCHOR_END: converse

/// `clients` clients of [`converse`] at once, each on its own thread, all starting
/// together. The reports come back in no particular order.
pub fn crowd(addr: SocketAddr, clients: usize, pace: Pace) -> Vec<ClientReport> {
    // The starting gate: every client waits for a read lock that we hold while we
    // start the others.
    let gate = Arc::new(RwLock::new(()));
    let closed = gate.write().unwrap_or_else(PoisonError::into_inner);
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let gate = Arc::clone(&gate);
            // Small stacks: a client needs little, and a crowd of 10,000 threads with
            // the default 2 MiB each would reserve 20 GB of address space.
            thread::Builder::new()
                .stack_size(128 * 1024)
                .spawn(move || {
                    drop(gate.read());
                    converse(addr, pace)
                })
        })
        .collect();
    drop(closed);
    threads
        .into_iter()
        .map(|thread| {
            let report = match thread {
                Ok(handle) => handle.join().map_err(|_| "the client panicked".to_string()),
                Err(e) => Err(format!("no thread for this client: {e}")),
            };
            report.unwrap_or_else(|why| ClientReport::default().failed(why))
        })
        .collect()
}

impl ClientReport {
    fn failed(mut self, why: String) -> ClientReport {
        self.failure = Some(why);
        self
    }
}

/// What each model of the echo server must show, checked over real TCP against a
/// running binary. Every chapter's `tests/echo_lines.rs` starts its `echo-lines` binary and
/// runs the checks for its model, so the checks are written once and the models are
/// judged alike. `log` returns what the server wrote to stderr so far.
pub mod checks {
    use super::*;

    /// The flags [`one_at_a_time`] expects the server to run with.
    pub const SEQUENTIAL_FLAGS: &[&str] = &["--idle", "1"];
    /// The flags [`all_at_once`] expects: a second of idle limit, and a cap of
    /// [`CAP`] clients.
    pub const AT_ONCE_FLAGS: &[&str] = &["--idle", "1", "--max-clients", "4"];
    const CAP: usize = 4;

    /// A pace that keeps tests short: 3 lines, 50 ms apart.
    const QUICK: Pace = Pace {
        messages: 3,
        interval: Duration::from_millis(50),
        patience: Duration::from_secs(10),
    };
    /// Two lines 500 ms apart: a client that keeps its connection that long.
    const SLOW: Pace = Pace {
        messages: 2,
        interval: Duration::from_millis(500),
        patience: Duration::from_secs(10),
    };
    /// An answer that took this long waited for another client (a served client's
    /// answer takes well under a millisecond; a [`SLOW`] client holds the server
    /// 500 ms). Generous both ways, for a busy two-core machine.
    const WAITED: Duration = Duration::from_millis(300);

    /// One client at a time (chapter 10), with [`SEQUENTIAL_FLAGS`]: every client is
    /// answered right, the second of two waits for the first to leave, a client that
    /// leaves is logged and the one behind it served, and a silent client is dropped
    /// after a second. The error ends with the server's log.
    pub fn one_at_a_time(addr: SocketAddr, log: &dyn Fn() -> String) -> Result<(), String> {
        let checks = || -> Result<(), String> {
            all_right(addr, 3)?;
            let first_answers = first_answer_times(addr, 2)?;
            if first_answers[1] < WAITED {
                return Err(format!(
                    "the second client was answered in {:?}: it did not wait for the \
                     first (first answers: {first_answers:?})",
                    first_answers[1]
                ));
            }
            leaver_is_logged_and_the_next_served(addr, log)?;
            silent_is_dropped(addr, log)
        };
        checks().map_err(|why| format!("{why}\n--- the server's log ---\n{}", log()))
    }

    /// Several at once (chapters 13, 15, 17), with [`AT_ONCE_FLAGS`]: every client is
    /// answered right; after a client leaves (and is logged), [`CAP`] clients at once
    /// are all answered without waiting, which proves both that they are served
    /// together and that the leaver's place came back; a silent client is dropped
    /// after a second. The error ends with the server's log.
    pub fn all_at_once(addr: SocketAddr, log: &dyn Fn() -> String) -> Result<(), String> {
        let checks = || -> Result<(), String> {
            all_right(addr, CAP)?;
            leaver_is_logged_and_the_next_served(addr, log)?;
            let first_answers = first_answer_times(addr, CAP)?;
            if let Some(slowest) = first_answers.last().filter(|&&t| t >= WAITED) {
                return Err(format!(
                    "a client waited {slowest:?} for its first answer: not served at \
                     once, or a place under --max-clients {CAP} was not given back \
                     (first answers: {first_answers:?})"
                ));
            }
            silent_is_dropped(addr, log)
        };
        checks().map_err(|why| format!("{why}\n--- the server's log ---\n{}", log()))
    }

    /// How many threads the server (process `pid`, Linux) runs while `clients` clients
    /// are connected and each has had an answer, so each is being served.
    pub fn threads_while_connected(
        addr: SocketAddr,
        pid: u32,
        clients: usize,
    ) -> Result<usize, String> {
        let mut connected = Vec::new();
        for n in 0..clients {
            let mut stream = connect(addr)?;
            exchange(&mut stream, &message(n), &message(n))?;
            connected.push(stream);
        }
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("Threads:"))
            .and_then(|count| count.trim().parse().ok())
            .ok_or_else(|| format!("no thread count in /proc/{pid}/status"))
    }

    /// `clients` clients at once, [`QUICK`]: every answer right.
    fn all_right(addr: SocketAddr, clients: usize) -> Result<(), String> {
        let reports = crowd(addr, clients, QUICK);
        let failures: Vec<_> = reports.iter().filter_map(|r| r.failure.as_ref()).collect();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{} of {clients} clients failed: {failures:?}",
                failures.len()
            ))
        }
    }

    /// How long each of `clients` [`SLOW`] clients, started together, waited for its
    /// first answer, shortest first.
    fn first_answer_times(addr: SocketAddr, clients: usize) -> Result<Vec<Duration>, String> {
        let mut times = Vec::new();
        for report in crowd(addr, clients, SLOW) {
            match (report.failure, report.latencies.first()) {
                (None, Some(&first)) => times.push(first),
                (failure, _) => return Err(format!("a slow client failed: {failure:?}")),
            }
        }
        times.sort();
        Ok(times)
    }

    /// A client that leaves mid-conversation is logged as disconnected, and a client
    /// that connected meanwhile is answered (by a sequential server, only then).
    fn leaver_is_logged_and_the_next_served(
        addr: SocketAddr,
        log: &dyn Fn() -> String,
    ) -> Result<(), String> {
        let mut leaver = connect(addr)?;
        exchange(&mut leaver, "first\n", "first\n")?;
        let peer = leaver.local_addr().map_err(|e| e.to_string())?;
        let mut next = connect(addr)?;
        next.write_all(b"next\n").map_err(|e| e.to_string())?;
        drop(leaver);
        let logged = format!("{peer} disconnected (1 line answered)\n");
        if !wait_for(|| log().contains(&logged)) {
            return Err(format!("no line {logged:?} in the log"));
        }
        let mut reply = [0u8; 5];
        next.read_exact(&mut reply)
            .map_err(|e| format!("the client behind the leaver got no answer: {e}"))?;
        Ok(())
    }

    /// With `--idle 1`: a client answered once, then silent, is closed after about a
    /// second, and the log says why.
    fn silent_is_dropped(addr: SocketAddr, log: &dyn Fn() -> String) -> Result<(), String> {
        let mut silent = connect(addr)?;
        exchange(&mut silent, "one\n", "one\n")?;
        let peer = silent.local_addr().map_err(|e| e.to_string())?;
        let started = Instant::now();
        let mut rest = Vec::new();
        let closed = silent.read_to_end(&mut rest);
        let waited = started.elapsed();
        if closed.is_err() || !rest.is_empty() {
            return Err(format!("expected a close, got {closed:?} and {rest:?}"));
        }
        if waited < Duration::from_millis(900) || waited > Duration::from_secs(4) {
            return Err(format!("closed after {waited:?}, not about 1 s (--idle 1)"));
        }
        let logged = format!("{peer} sent no whole line in time: closed (1 line answered)\n");
        if wait_for(|| log().contains(&logged)) {
            Ok(())
        } else {
            Err(format!("no line {logged:?} in the log"))
        }
    }

    fn connect(addr: SocketAddr) -> Result<TcpStream, String> {
        let stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        Ok(stream)
    }

    fn exchange(stream: &mut TcpStream, line: &str, expected: &str) -> Result<(), String> {
        stream
            .write_all(line.as_bytes())
            .map_err(|e| format!("send {line:?}: {e}"))?;
        let mut reply = vec![0u8; expected.len()];
        stream
            .read_exact(&mut reply)
            .map_err(|e| format!("answer to {line:?}: {e}"))?;
        if reply == expected.as_bytes() {
            Ok(())
        } else {
            let got = String::from_utf8_lossy(&reply);
            Err(format!("sent {line:?}, expected {expected:?}, got {got:?}"))
        }
    }

    /// Polls `condition` for up to 5 s.
    fn wait_for(condition: impl Fn() -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !condition() {
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(10));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn talk(conversation: &mut Conversation, bytes: &[u8]) -> Result<String, Ending> {
        let mut answers = Vec::new();
        conversation.receive(bytes, Instant::now(), &mut answers)?;
        Ok(String::from_utf8_lossy(&answers).into_owned())
    }

    #[test]
    fn each_line_is_answered_with_the_one_before_it() {
        let mut conversation = Conversation::new(Instant::now());
        let first = talk(&mut conversation, b"Hello World!:0\n").unwrap();
        assert_eq!(first, "Hello World!:0\n");
        let second = talk(&mut conversation, b"Hello World!:1\n").unwrap();
        assert_eq!(second, "Hello World!:0\nHello World!:1\n");
        assert_eq!(conversation.answered(), 2);
    }

    #[test]
    fn lines_in_pieces_and_lines_together_come_out_whole() {
        let mut conversation = Conversation::new(Instant::now());
        assert_eq!(talk(&mut conversation, b"Hel").unwrap(), "");
        assert_eq!(talk(&mut conversation, b"lo\nsec").unwrap(), "Hello\n");
        assert_eq!(
            talk(&mut conversation, b"ond\nthird\n").unwrap(),
            "Hello\nsecond\nsecond\nthird\n"
        );
    }

    #[test]
    fn an_endless_line_ends_the_conversation() {
        let mut conversation = Conversation::new(Instant::now());
        let half = vec![b'x'; MAX_LINE / 2];
        assert!(talk(&mut conversation, &half).is_ok());
        assert!(matches!(
            talk(&mut conversation, &[half.as_slice(), b"xx"].concat()),
            Err(Ending::LineTooLong)
        ));
    }

    #[test]
    fn the_idle_limit_counts_from_the_last_answer() {
        let start = Instant::now();
        let idle = Duration::from_secs(5);
        let mut conversation = Conversation::new(start);
        assert_eq!(conversation.deadline(idle), start + idle);
        let later = start + Duration::from_secs(3);
        // Half a line does not move the deadline: a dribbling client gets no more time.
        conversation
            .receive(b"Hel", later, &mut Vec::new())
            .unwrap();
        assert_eq!(conversation.deadline(idle), start + idle);
        conversation
            .receive(b"lo\n", later, &mut Vec::new())
            .unwrap();
        assert_eq!(conversation.deadline(idle), later + idle);
    }
}
