//! `hold-connections`: opens many connections to a server and keeps them open, to see
//! what idle clients cost it (chapter 13: a thread each; chapter 14: a worker each).
//!
//! ```text
//! cargo run --release -p chapter12 --bin hold-connections -- \
//!     --count 1000 --server-pid "$(pgrep -n chapter13)" --hold 5 127.0.0.1:8080
//! ```
//!
//! It opens `--count` connections to ADDR (optionally sending the first half of a
//! request on each, `--partial`), prints how many it got, and, given `--server-pid`,
//! the server's `Threads:` and `VmRSS:` from `/proc/PID/status` before and while it
//! holds them. Then it holds them for `--hold` seconds, or until Enter (or Ctrl-C), and
//! says how many the server closed meanwhile (an idle timeout at work).
#![forbid(unsafe_code)]

use std::fs;
use std::io::{self, BufRead, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;

/// Open many connections to a server and hold them, reporting what they cost it.
#[derive(Parser, Debug)]
#[command(name = "hold-connections", version)]
struct Args {
    /// How many connections to open.
    #[arg(long, short = 'n', default_value_t = 100)]
    count: usize,
    /// Send the first half of a request on each connection (no blank line ends it),
    /// like a slow client; without it the connections stay silent.
    #[arg(long, conflicts_with = "answered")]
    partial: bool,
    /// Send one whole request on each connection and read its answer, then hold the
    /// connection open: a kept-alive client between requests (chapter 18).
    #[arg(long)]
    answered: bool,
    /// Seconds to hold the connections; without it, until Enter or Ctrl-C.
    #[arg(long, value_name = "SECS")]
    hold: Option<f64>,
    /// The server's process id: print its threads and memory from /proc/PID/status.
    #[arg(long, value_name = "PID")]
    server_pid: Option<u32>,
    /// The server: `127.0.0.1:8080` or `http://127.0.0.1:8080/`.
    #[arg(value_parser = parse_target)]
    addr: SocketAddr,
}

fn parse_target(text: &str) -> Result<SocketAddr, String> {
    let host_port = text
        .strip_prefix("http://")
        .unwrap_or(text)
        .split('/')
        .next()
        .unwrap_or_default();
    host_port
        .to_socket_addrs()
        .map_err(|e| format!("not an address like 127.0.0.1:8080: {e}"))?
        .next()
        .ok_or_else(|| format!("{text} resolves to no address"))
}

/// Linux's EMFILE: this process has as many files open as `ulimit -n` allows.
const EMFILE: i32 = 24;

fn main() {
    let args = Args::parse();
    if let Some(pid) = args.server_pid {
        report(pid, "before");
    }
    let started = Instant::now();
    let (streams, stopped) = open(&args, args.server_pid);
    let kind = if args.partial {
        "each with half a request"
    } else if args.answered {
        "each answered once and kept alive"
    } else {
        "silent"
    };
    println!(
        "opened {} of {} connections to {} ({kind}) in {:.1} s",
        streams.len(),
        args.count,
        args.addr,
        started.elapsed().as_secs_f64()
    );
    if let Some(why) = stopped {
        println!("{why}");
    }
    if let Some(pid) = args.server_pid {
        settle(pid, Duration::from_secs(1));
        report(pid, &format!("holding {}", streams.len()));
    }
    let held_since = Instant::now();
    match args.hold {
        Some(secs) => thread::sleep(Duration::from_secs_f64(secs.max(0.0))),
        None => {
            println!("holding them; press Enter (or Ctrl-C) to let go");
            let _ = io::stdin().lock().read_line(&mut String::new());
        }
    }
    let closed = streams.iter().filter(|s| closed_by_server(s)).count();
    println!(
        "after {:.1} s: {} still open, {closed} closed by the server",
        held_since.elapsed().as_secs_f64(),
        streams.len() - closed
    );
}

/// Connections opened before letting the server catch up: well under the kernel's
/// accept backlog (`net.core.somaxconn`, 4096 by default). Overflowing it makes the
/// kernel hold back the handshakes, and the server's numbers would lag behind ours.
const BATCH: usize = 500;

/// Opens up to `args.count` connections; stops at the first failure and says why.
/// Given the server's pid, waits after each batch until its thread count settles.
fn open(args: &Args, server_pid: Option<u32>) -> (Vec<TcpStream>, Option<String>) {
    let mut streams = Vec::with_capacity(args.count);
    let partial = b"GET / HTTP/1.1\r\nHost: hold-connections\r\n";
    // Read now: once we are out of file descriptors we cannot open /proc either.
    let limit = open_files_limit();
    for n in 0..args.count {
        if n > 0
            && n % BATCH == 0
            && let Some(pid) = server_pid
        {
            settle(pid, Duration::from_millis(200));
        }
        match TcpStream::connect_timeout(&args.addr, Duration::from_secs(5)) {
            Ok(mut stream) => {
                if args.partial && stream.write_all(partial).is_err() {
                    return (
                        streams,
                        Some("the server closed a connection at once".into()),
                    );
                }
                if args.answered
                    && let Err(why) = answered_once(&mut stream)
                {
                    return (streams, Some(format!("stopped: connection {n}: {why}")));
                }
                streams.push(stream);
            }
            Err(e) if e.raw_os_error() == Some(EMFILE) => {
                let why = format!(
                    "stopped: out of file descriptors (EMFILE). This process may open {}.\n\
                     Raise the limit in this shell, for the server too, e.g. `ulimit -n 20000` \
                     (at most the hard limit, `ulimit -Hn`), and run both again.",
                    limit
                );
                return (streams, Some(why));
            }
            Err(e) => return (streams, Some(format!("stopped: connect failed: {e}"))),
        }
    }
    (streams, None)
}

/// Sends one keep-alive GET and reads its whole answer (framed by `Content-Length`),
/// leaving the connection open.
fn answered_once(stream: &mut TcpStream) -> Result<(), String> {
    let request = b"GET / HTTP/1.1\r\nHost: hold-connections\r\n\r\n";
    stream
        .write_all(request)
        .map_err(|e| format!("write: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| format!("read timeout: {e}"))?;
    let mut received = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(head_end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&received[..head_end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .ok_or("an answer without Content-Length")?;
            if head.contains("connection: close") {
                return Err("the server closes after one answer (no keep-alive)".into());
            }
            if received.len() >= head_end + 4 + length {
                return Ok(());
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Err("closed before the whole answer".into()),
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e) => return Err(format!("read: {e}")),
        }
    }
}

/// `Max open files` from /proc/self/limits, as `soft (hard hard)`.
fn open_files_limit() -> String {
    fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("Max open files"))?;
            let fields: Vec<&str> = line.split_whitespace().collect();
            Some(format!(
                "{} (hard limit {})",
                fields.get(3)?,
                fields.get(4)?
            ))
        })
        .unwrap_or_else(|| "a limited number".to_string())
}

/// `Threads:` and `VmRSS:` of process `pid`.
fn server_status(pid: u32) -> Option<(u64, String)> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
    };
    let threads = field("Threads:")?.parse().ok()?;
    Some((threads, field("VmRSS:")?.to_string()))
}

fn report(pid: u32, when: &str) {
    match server_status(pid) {
        Some((threads, rss)) => println!("server {pid} {when}: Threads: {threads}, VmRSS: {rss}"),
        None => println!("server {pid} {when}: no /proc/{pid}/status (is that the server?)"),
    }
}

/// Waits (at most twenty seconds) until the server's thread count has not changed for
/// `quiet`: the server accepts our connections a little after they are open.
fn settle(pid: u32, quiet: Duration) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = server_status(pid).map(|s| s.0);
    let mut stable_since = Instant::now();
    while Instant::now() < deadline && stable_since.elapsed() < quiet {
        thread::sleep(Duration::from_millis(20));
        let now = server_status(pid).map(|s| s.0);
        if now != last {
            last = now;
            stable_since = Instant::now();
        }
    }
}

/// Whether the server has closed `stream` (EOF, a response then EOF, or a reset).
fn closed_by_server(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let mut buf = [0u8; 1024];
    let mut reader = stream;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // a 408, say: read on to see the close
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return true,
        }
    }
}
