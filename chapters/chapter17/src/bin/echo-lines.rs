//! The seed article's echo protocol, as tokio tasks: every line a client sends is
//! answered with the line before it and the line itself, so after `Hello World!:0\n`
//! and `Hello World!:1\n` the second answer is `Hello World!:0\nHello World!:1\n`.
//! A client silent for `--idle` seconds is disconnected; at most `--max-clients` are
//! served at once (the article's gevent `Pool(10000)`).
//!
//! ```text
//! cargo run --release -p chapter17 --bin echo-lines -- --addr 127.0.0.1:1234
//! ```
#![forbid(unsafe_code)]

use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::time::timeout;

/// Echo every line with the one before it; disconnect silent clients.
#[derive(Parser, Debug)]
#[command(name = "echo-lines", version)]
struct Args {
    /// Address to listen on; port 0 lets the system pick a free port.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:1234",
          value_parser = webcore::cli::parse_addr)]
    addr: SocketAddr,
    /// Seconds a client may stay silent before we hang up.
    #[arg(long, value_name = "SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle: u64,
    /// Clients served at once; the next one waits until one leaves.
    #[arg(long = "max-clients", value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_clients: u32,
}

/// The longest line we buffer: a client that never sends `\n` must not fill memory.
const MAX_LINE: u64 = 8 * 1024;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let listener = match chapter17::listen::bind(args.addr) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("Listening on tcp://{addr}"),
        Err(e) => {
            eprintln!("error: cannot read the bound address: {e}");
            return ExitCode::FAILURE;
        }
    }
    let idle = Duration::from_secs(args.idle);
    let permits = Arc::new(Semaphore::new(args.max_clients as usize));
    // ANCHOR: echo_accept
    loop {
        // Wait for a free place *before* accepting, as the article's gevent pool
        // does: past the cap, new clients queue in the kernel's backlog.
        let permit = Arc::clone(&permits)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        tokio::spawn(async move {
            match echo_lines(stream, idle).await {
                Ok(Ending::Closed) => {}
                Ok(Ending::Silent) => eprintln!("{peer} silent for {idle:?}: disconnected"),
                Ok(Ending::LineTooLong) => eprintln!("{peer} sent a line over {MAX_LINE} bytes"),
                Err(e) => eprintln!("{peer} failed: {e}"),
            }
            drop(permit);
        });
    }
    // ANCHOR_END: echo_accept
}

/// How a conversation ended.
enum Ending {
    Closed,
    Silent,
    LineTooLong,
}

// ANCHOR: echo_lines
/// Answers each line with the previous line and itself, until the client closes,
/// stays silent for `idle`, or sends an endless line.
async fn echo_lines(stream: TcpStream, idle: Duration) -> io::Result<Ending> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut previous = Vec::new();
    loop {
        let mut line = Vec::new();
        // The idle limit covers the whole line, not each byte of it.
        let mut limited = (&mut reader).take(MAX_LINE);
        match timeout(idle, limited.read_until(b'\n', &mut line)).await {
            Err(_elapsed) => return Ok(Ending::Silent),
            Ok(Err(e)) => return Err(e),
            Ok(Ok(0)) => return Ok(Ending::Closed),
            Ok(Ok(_)) if !line.ends_with(b"\n") && line.len() as u64 == MAX_LINE => {
                return Ok(Ending::LineTooLong);
            }
            Ok(Ok(_)) => {}
        }
        let mut reply = std::mem::replace(&mut previous, line.clone());
        reply.extend_from_slice(&line);
        // A client that stops reading must not hold this task forever either.
        timeout(idle, writer.write_all(&reply))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "client stopped reading"))??;
    }
}
// ANCHOR_END: echo_lines
