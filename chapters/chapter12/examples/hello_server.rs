//! A tiny, fast HTTP server to measure the load generator against, until Part II's
//! servers exist: a thread per connection, keep-alive when the client asks for it, a
//! fixed `Hello World` answer, and `/sleep?ms=N` for mixed workloads.
//!
//!     cargo run --release -p chapter12 --example hello_server -- --addr 127.0.0.1:0
#![forbid(unsafe_code)]

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let addr = match args.iter().position(|a| a == "--addr") {
        Some(i) => args.get(i + 1).cloned().unwrap_or_default(),
        None => "127.0.0.1:8080".to_string(),
    };
    let listener = TcpListener::bind(&addr)?;
    println!("Listening on http://{}", listener.local_addr()?);
    io::stdout().flush()?;
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                thread::spawn(move || {
                    let _ = serve(stream);
                });
            }
            Err(e) => eprintln!("accept: {e}"),
        }
    }
    Ok(())
}

/// Answers requests on one connection until the client closes or asks to close.
fn serve(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        // Read until one whole request head (we only take GET: no bodies).
        let end = loop {
            if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
        buffer.drain(..end);
        let target = head.split(' ').nth(1).unwrap_or("/").to_string();
        if let Some(ms) = target
            .strip_prefix("/sleep?ms=")
            .and_then(|ms| ms.parse().ok())
        {
            thread::sleep(Duration::from_millis(ms));
        }
        // HTTP/1.1 keeps the connection unless asked to close; HTTP/1.0 (ab -k) only
        // when asked to keep it.
        let keep = if head.contains("http/1.1\r\n") {
            !head.contains("connection: close")
        } else {
            head.contains("connection: keep-alive")
        };
        let connection = if keep { "keep-alive" } else { "close" };
        let body = "Hello World";
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: {connection}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes())?;
        if !keep {
            return Ok(());
        }
    }
}
