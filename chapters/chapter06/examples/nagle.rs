//! Measures what writing a response in two pieces costs: Nagle's algorithm on the
//! server holds back the second small write until the first is acknowledged, and the
//! client's delayed ACK waits up to 40 ms (Linux) hoping to piggyback the ACK on data.
//!
//!     cargo run --release -p chapter06 --example nagle
//!
//! Both servers answer the same bytes; one writes head and body separately, the other
//! builds one buffer and writes once. Each is measured twice: a new connection per
//! request (what chapters 05–17 do) and one connection kept open for every request
//! (chapter 18's keep-alive), where the stall shows.
#![forbid(unsafe_code)]

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

const REQUESTS: u32 = 50;
const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\n";
const BODY: &[u8] = b"hello\n";

// ANCHOR: two_writes
/// Wrong on purpose: the head and the body leave in two `write` calls.
fn answer_in_two_writes(stream: &mut TcpStream) -> io::Result<()> {
    stream.write_all(HEAD)?;
    // Nagle: the head is not acknowledged yet and this write is smaller than a
    // segment, so the kernel holds it back until the client's ACK comes.
    stream.write_all(BODY)
}
// ANCHOR_END: two_writes

fn answer_in_one_write(stream: &mut TcpStream) -> io::Result<()> {
    stream.write_all(&[HEAD, BODY].concat())
}

/// Serves requests on each accepted connection until the client closes it.
fn serve(listener: TcpListener, answer: fn(&mut TcpStream) -> io::Result<()>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let mut buffer = [0u8; 1024];
        let mut pending = Vec::new();
        loop {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => pending.extend_from_slice(&buffer[..n]),
            }
            // Every request is exactly REQUEST, so counting them is enough here.
            while pending.len() >= REQUEST.len() {
                pending.drain(..REQUEST.len());
                if answer(&mut stream).is_err() {
                    break;
                }
            }
        }
    }
}

/// Sends one request on `stream` and reads exactly one response.
fn one_exchange(stream: &mut TcpStream) -> io::Result<()> {
    stream.write_all(REQUEST)?;
    let mut response = vec![0u8; HEAD.len() + BODY.len()];
    stream.read_exact(&mut response)
}

fn measure(answer: fn(&mut TcpStream) -> io::Result<()>, keep_alive: bool) -> io::Result<Duration> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    thread::spawn(move || serve(listener, answer));
    let started = Instant::now();
    if keep_alive {
        let mut kept = TcpStream::connect(addr)?;
        for _ in 0..REQUESTS {
            one_exchange(&mut kept)?;
        }
    } else {
        // The server is sequential: each connection is closed before the next opens.
        for _ in 0..REQUESTS {
            one_exchange(&mut TcpStream::connect(addr)?)?;
        }
    }
    Ok(started.elapsed() / REQUESTS)
}

fn main() -> io::Result<()> {
    println!("{REQUESTS} requests each, time per request:");
    for (label, keep_alive) in [
        ("new connection each", false),
        ("one kept-alive connection", true),
    ] {
        let two = measure(answer_in_two_writes, keep_alive)?;
        let one = measure(answer_in_one_write, keep_alive)?;
        println!("  {label:<26} two writes: {two:>10.2?}   one write: {one:>10.2?}");
    }
    Ok(())
}
