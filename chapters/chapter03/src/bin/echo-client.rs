//! The echo client for chapter 03: send a message (by default a few hundred KiB of
//! generated text), read the echo while still sending, check that every byte came
//! back in order, and report when each step happened.
#![forbid(unsafe_code)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::Parser;

/// Send a message to an echo server and check that it comes back intact.
#[derive(Parser, Debug)]
#[command(name = "echo-client", version)]
struct Args {
    /// The echo server, as HOST:PORT.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,

    /// Send this many bytes of generated text.
    #[arg(long, default_value_t = 300 * 1024)]
    bytes: usize,

    /// Send this text instead of generated text.
    #[arg(long, conflicts_with = "bytes")]
    message: Option<String>,

    /// Bytes per write.
    #[arg(long, default_value_t = 4096)]
    chunk: usize,

    /// Milliseconds to pause after each write, to make a long echo slow enough to watch.
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,

    /// Seconds to wait for each read (or, with --write-then-read, each write) before
    /// giving up.
    #[arg(long, default_value_t = 60)]
    read_timeout: u64,

    /// WRONG ON PURPOSE: send everything first and only then read the echo. With a
    /// long message this deadlocks; the client notices when a write stalls.
    #[arg(long)]
    write_then_read: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let message = match &args.message {
        Some(text) => text.clone().into_bytes(),
        None => generated_text(args.bytes),
    };
    match run(&args, &message) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Numbered lines of text, cut to exactly `len` bytes. Every line differs, so an echo
/// that lost, repeated or reordered a piece cannot pass the comparison.
fn generated_text(len: usize) -> Vec<u8> {
    let mut text = Vec::with_capacity(len + 64);
    let mut line = 0u64;
    while text.len() < len {
        line += 1;
        text.extend_from_slice(
            format!("line {line:06}: the quick brown fox jumps over the lazy dog\n").as_bytes(),
        );
    }
    text.truncate(len);
    text
}

/// When something happened: the wall-clock time, comparable between two clients
/// started in two terminals, and the time since this client connected.
#[derive(Clone, Copy)]
struct Stamp {
    wall: SystemTime,
    since_connect: Duration,
}

impl Stamp {
    fn now(start: Instant) -> Stamp {
        Stamp {
            wall: SystemTime::now(),
            since_connect: start.elapsed(),
        }
    }

    /// Prints `[HH:MM:SS.mmm] +S.SSSs what`, the wall clock in UTC.
    fn report(self, what: &str) {
        let since_epoch = self.wall.duration_since(UNIX_EPOCH).unwrap_or_default();
        let ms_today = since_epoch.as_millis() % (24 * 3600 * 1000);
        let (h, m, s, ms) = (
            ms_today / 3_600_000,
            ms_today / 60_000 % 60,
            ms_today / 1000 % 60,
            ms_today % 1000,
        );
        let elapsed = self.since_connect.as_secs_f64();
        println!("[{h:02}:{m:02}:{s:02}.{ms:03}] +{elapsed:.3}s {what}");
    }
}

/// Prints a step that happens now.
fn report(start: Instant, what: &str) {
    Stamp::now(start).report(what);
}

// ANCHOR: run
fn run(args: &Args, message: &[u8]) -> io::Result<()> {
    let stream = TcpStream::connect(&args.addr)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot connect to {}: {e}", args.addr)))?;
    let start = Instant::now();
    report(
        start,
        &format!(
            "connected to {}, sending {} bytes",
            args.addr,
            message.len()
        ),
    );
    stream.set_read_timeout(Some(Duration::from_secs(args.read_timeout)))?;

    // Two handles on one socket: a thread writes while this one reads. Writing
    // everything first and reading afterwards deadlocks on a long message: the echo
    // piles up in our receive buffer, then in the server's send buffer, the server
    // blocks writing and stops reading, our send buffer fills, and we block writing.
    let mut writer = stream.try_clone()?;
    let mut reader = stream;
    let (chunk, delay) = (args.chunk.max(1), Duration::from_millis(args.delay_ms));
    if args.write_then_read {
        return write_then_read(&mut reader, message, start, args.read_timeout);
    }

    thread::scope(|scope| {
        let sending = scope.spawn(move || -> io::Result<()> {
            for piece in message.chunks(chunk) {
                writer.write_all(piece)?;
                if !delay.is_zero() {
                    thread::sleep(delay);
                }
            }
            // Stamped before the half-close, so it is earlier than anything the
            // server does after reading our EOF (such as serving the next client).
            let all_sent = Stamp::now(start);
            // Half-close: the server reads EOF, knows the message is over, finishes
            // echoing and closes, which is how our reader learns the echo is over.
            writer.shutdown(Shutdown::Write)?;
            all_sent.report("everything sent");
            Ok(())
        });
        let received = read_echo(&mut reader, start, args.read_timeout);
        let sent = sending.join().expect("the writer thread does not panic");
        let received = received?;
        sent?;
        check_echo(message, &received)?;
        report(
            start,
            &format!("done: {} bytes came back intact", received.len()),
        );
        Ok(())
    })
}
// ANCHOR_END: run

// ANCHOR: write_then_read
/// WRONG ON PURPOSE (`--write-then-read`): one thread, all writes first, then all
/// reads. Fine for a short message; a long one deadlocks, because nobody reads the
/// echo while we write. A write timeout turns the silent hang into an error.
fn write_then_read(
    stream: &mut TcpStream,
    message: &[u8],
    start: Instant,
    timeout_secs: u64,
) -> io::Result<()> {
    stream.set_write_timeout(Some(Duration::from_secs(timeout_secs)))?;
    let mut sent = 0;
    while sent < message.len() {
        match stream.write(&message[sent..]) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                report(
                    start,
                    &format!("stalled: sent {sent} of {} bytes", message.len()),
                );
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "deadlock: no write progress for {timeout_secs}s after {sent} bytes; \
                         the echo fills the buffers because nobody reads it"
                    ),
                ));
            }
            Err(e) => return Err(e),
        }
    }
    stream.shutdown(Shutdown::Write)?;
    report(start, "everything sent");
    let received = read_echo(stream, start, timeout_secs)?;
    check_echo(message, &received)?;
    report(
        start,
        &format!("done: {} bytes came back intact", received.len()),
    );
    Ok(())
}
// ANCHOR_END: write_then_read

/// Reads until the server closes, noting when the first byte arrives.
fn read_echo(reader: &mut TcpStream, start: Instant, timeout_secs: u64) -> io::Result<Vec<u8>> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 64 * 1024];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return Ok(received),
            Ok(n) => {
                if received.is_empty() {
                    report(start, "first byte of the echo came back");
                }
                received.extend_from_slice(&buffer[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "no echo within {timeout_secs}s after {} bytes (is the server busy with another client?)",
                        received.len()
                    ),
                ));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Compares the echo with what was sent and says where they first differ.
fn check_echo(sent: &[u8], received: &[u8]) -> io::Result<()> {
    if sent == received {
        return Ok(());
    }
    let first_difference = sent
        .iter()
        .zip(received)
        .position(|(a, b)| a != b)
        .unwrap_or(sent.len().min(received.len()));
    Err(io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "the echo differs: sent {} bytes, got {} back, first difference at byte {first_difference}",
            sent.len(),
            received.len()
        ),
    ))
}
