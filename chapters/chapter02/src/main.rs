//! Chapter 02: the other side of the wire. Connect to a server, write a GET request by
//! hand, and print every byte of the answer until the server closes the connection.
#![forbid(unsafe_code)]

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

// ANCHOR: args
/// Send a hand-written HTTP GET request and print the raw response.
#[derive(Parser, Debug)]
#[command(name = "chapter02", version)]
struct Args {
    /// The server to ask, as HOST:PORT (for example 127.0.0.1:8080 or example.com:80).
    target: String,

    /// The path to ask for.
    #[arg(default_value = "/")]
    path: String,

    /// Seconds to wait for each read before giving up on a silent server.
    #[arg(long, default_value_t = 10)]
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

// ANCHOR: request
/// The request, byte for byte. `Host` is mandatory in HTTP/1.1 (one IP address can
/// serve many sites); `Connection: close` asks the server to close the connection
/// after answering, which is how we will know the response is complete.
fn request_bytes(target: &str, path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n")
}
// ANCHOR_END: request

// ANCHOR: run
fn run(args: &Args) -> io::Result<()> {
    // `connect` accepts "HOST:PORT" and resolves a name through DNS when needed.
    let mut stream = TcpStream::connect(&args.target)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot connect to {}: {e}", args.target)))?;
    // Without a timeout, a server that never answers (or never closes) would keep
    // this program waiting for ever.
    stream.set_read_timeout(Some(Duration::from_secs(args.read_timeout)))?;

    let request = request_bytes(&args.target, &args.path);
    // Show what we send on stderr, curl-style, so stdout holds the response alone.
    for line in request.split_inclusive("\r\n") {
        eprintln!("> {}", line.replace("\r\n", "\\r\\n"));
    }
    // `write_all`: one `write` may take only part of the bytes; this loops until all
    // of them are in the kernel's send buffer.
    stream.write_all(request.as_bytes())?;

    let mut stdout = io::stdout().lock();
    let mut buffer = [0u8; 4096];
    let mut total = 0;
    loop {
        match stream.read(&mut buffer) {
            // EOF: the server closed the connection, so the response is complete.
            Ok(0) => break,
            Ok(n) => {
                // Print bytes as they come, unchanged: the body need not be UTF-8.
                stdout.write_all(&buffer[..n])?;
                total += n;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                stdout.flush()?;
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "no more bytes within {}s after {total} bytes, and the server has not closed the connection",
                        args.read_timeout
                    ),
                ));
            }
            Err(e) => return Err(e),
        }
    }
    stdout.flush()?;
    eprintln!("< {total} bytes, then the server closed the connection");
    Ok(())
}
// ANCHOR_END: run
