//! Chapter 04: the first server a browser can talk to. Every connection gets the same
//! HTTP response, written by hand, once the request head has arrived.
#![forbid(unsafe_code)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;

/// Answer every connection with one fixed HTML page, one connection at a time.
#[derive(Parser, Debug)]
#[command(name = "chapter04", version)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

/// How long a client gets to send its request head. A browser may open a spare
/// connection and send nothing on it; one client at a time, that would stall us.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// A request head longer than this is not worth waiting for.
const MAX_HEAD: usize = 8 * 1024;

// ANCHOR: body
/// The page. The em dash is three bytes in UTF-8, so the body has more bytes than
/// characters: `Content-Length` must count the bytes.
const BODY: &str = "<!DOCTYPE html>
<html>
<head><meta charset=\"utf-8\"><title>Chapter 04</title></head>
<body>
<h1>Hello from a raw socket</h1>
<p>Every byte of this page was written by hand — no framework.</p>
</body>
</html>
";
// ANCHOR_END: body

// ANCHOR: response
/// The whole response, head and body, in one buffer so it goes out in one write.
fn response() -> Vec<u8> {
    let head = format!(
        "HTTP/1.1 200 OK\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\n\
         Connection: close\r\n\
         \r\n",
        // `len` of a `&str` is its length in bytes, which is what HTTP counts.
        BODY.len()
    );
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(BODY.as_bytes());
    bytes
}
// ANCHOR_END: response

fn main() -> ExitCode {
    let args = Args::parse();
    let listener = match TcpListener::bind(args.addr) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    match announce(&listener).and_then(|()| serve(&listener)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the ready line with the bound address and flushes it at once.
fn announce(listener: &TcpListener) -> io::Result<()> {
    println!("Listening on http://{}", listener.local_addr()?);
    io::stdout().flush()
}

// ANCHOR: serve
/// Accepts connections for ever, answering each before accepting the next.
fn serve(listener: &TcpListener) -> io::Result<()> {
    let response = response();
    loop {
        let (stream, peer) = listener.accept()?;
        match answer(stream, &response) {
            Ok(Some(request_line)) => eprintln!("{peer}: {request_line:?} -> 200"),
            Ok(None) => eprintln!("{peer}: sent no request; closed without answering"),
            // A client that resets or vanishes costs one log line, nothing more.
            Err(e) => eprintln!("{peer}: {e}"),
        }
    }
}

/// Reads the request head, then writes `response`. Returns the request line, or
/// `None` when the client sent nothing before closing or timing out.
fn answer(mut stream: TcpStream, response: &[u8]) -> io::Result<Option<String>> {
    let head = read_head(&mut stream)?;
    if head.is_empty() {
        return Ok(None);
    }
    stream.write_all(response)?;
    // The first line, for the log: what the client asked for (we answer the same anyway).
    let request_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let request_line = String::from_utf8_lossy(request_line).trim_end().to_string();
    // Returning drops `stream`, which closes the connection, as `Connection: close`
    // promised: the client reads to EOF and knows the response is complete.
    Ok(Some(request_line))
}
// ANCHOR_END: serve

// ANCHOR: read_head
/// Reads until the blank line that ends the head, EOF, the deadline, or `MAX_HEAD`.
/// We must read the request before answering: closing a socket with unread bytes
/// in it makes the kernel send a reset, and the client may lose our response.
fn read_head(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let deadline = Instant::now() + READ_TIMEOUT;
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                break;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(head)
}
// ANCHOR_END: read_head
