//! Reference solution for ch11-timeline.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

/// When each answer arrived, in the order of `paths`.
pub fn arrival_times(addr: SocketAddr, paths: &[&str]) -> Result<Vec<Duration>, String> {
    let start = Instant::now();
    // Every request is on the wire before we wait for any answer.
    let mut streams = Vec::new();
    for path in paths {
        let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        streams.push(stream);
    }
    // One thread per connection, so a slow answer cannot hold up our reading of a
    // quick one. Joining in order keeps the times in the order of `paths`.
    let readers: Vec<_> = streams
        .into_iter()
        .map(|mut stream| {
            thread::spawn(move || -> Result<Duration, String> {
                let mut answer = Vec::new();
                stream.read_to_end(&mut answer).map_err(|e| e.to_string())?;
                Ok(start.elapsed())
            })
        })
        .collect();
    readers
        .into_iter()
        .map(|reader| {
            reader
                .join()
                .map_err(|_| "a reader thread panicked".to_string())?
        })
        .collect()
}
