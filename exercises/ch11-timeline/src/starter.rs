//! Exercise ch11-timeline
//!
//! Chapter 11's `ten-at-once` measures what a server does with requests that arrive
//! together. Write its core: `arrival_times` sends `GET path` for every path to `addr`
//! *at the same time*, and returns when each whole answer arrived (the server closes the
//! connection after it), measured from just before the first request was sent, in the
//! order of `paths`.
//!
//! This version asks one path after the other, so it measures itself, not the server:
//! behind a slow answer, every quick answer looks slow even when the server could have
//! answered it at once.
//!
//! Judge your attempt with `cargo run -p ch11-timeline`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// When each answer arrived, in the order of `paths`.
pub fn arrival_times(addr: SocketAddr, paths: &[&str]) -> Result<Vec<Duration>, String> {
    let start = Instant::now();
    let mut times = Vec::new();
    // TODO: connect and send *every* request first, then wait for the answers all at
    // once (a thread per connection, each noting `start.elapsed()` when its answer is
    // complete), and return the times in the order of `paths`.
    for path in paths {
        let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).map_err(|e| e.to_string())?;
        times.push(start.elapsed());
    }
    Ok(times)
}
