//! Chapter 01: listen on a TCP port, accept one connection, and show exactly what the
//! client sent, byte for byte. Point `curl` or a browser at it and read an HTTP request
//! for the first time without a framework in between.
#![forbid(unsafe_code)]

mod capture;

use std::fs;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

// ANCHOR: args
/// Accept one connection, print the raw bytes the client sent, save them, exit.
#[derive(Parser, Debug)]
#[command(name = "chapter01", version)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,

    /// File to save the received bytes in, unchanged.
    #[arg(long, default_value = "request.txt")]
    save: PathBuf,

    /// Seconds to wait for the end of the request before giving up and showing
    /// what arrived so far (a browser never closes its side by itself).
    #[arg(long, default_value_t = 5)]
    read_timeout: u64,
}
// ANCHOR_END: args

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: run
fn run(args: &Args) -> io::Result<()> {
    // Binding claims the port; from here on the kernel completes TCP handshakes for us
    // and queues the connections until we `accept` them.
    let listener = TcpListener::bind(args.addr)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {}: {e}", args.addr)))?;
    // The *bound* address: with `--addr 127.0.0.1:0` the kernel chose the port.
    println!("Listening on http://{}", listener.local_addr()?);
    // stdout is line-buffered on a terminal but block-buffered in a pipe: flush so a
    // script (or a test) waiting for this line sees it now.
    io::stdout().flush()?;

    // Blocks until a client connects. One connection, then we are done.
    let (mut stream, peer) = listener.accept()?;
    eprintln!("Connection from {peer}");

    let timeout = Duration::from_secs(args.read_timeout);
    let (bytes, end) = capture::read_head(&mut stream, timeout)?;
    eprintln!("Read {} bytes ({end})", bytes.len());

    // Twice: once as the bytes came (your terminal interprets `\r` and `\n`), once
    // escaped so every byte is visible.
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "----- the bytes as received -----")?;
    stdout.write_all(&bytes)?;
    if !bytes.ends_with(b"\n") {
        writeln!(stdout)?;
    }
    writeln!(stdout, "----- the same bytes, escaped -----")?;
    let escaped = capture::escape(&bytes);
    write!(stdout, "{escaped}")?;
    if !escaped.ends_with('\n') {
        writeln!(stdout)?;
    }
    writeln!(stdout, "----- end -----")?;
    stdout.flush()?;

    fs::write(&args.save, &bytes).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot save to {}: {e}", args.save.display()),
        )
    })?;
    eprintln!("Saved {} bytes to {}", bytes.len(), args.save.display());
    // Dropping `stream` closes the connection without an answer: the client sees an
    // empty reply. Answering is chapter 04's job.
    Ok(())
}
// ANCHOR_END: run
