//! The connection loop: accept one client, read until its request is complete, answer,
//! close, and only then accept the next.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

use crate::error::HttpError;
use crate::handler::respond;
use crate::request::{Limits, Parsed, Request, parse_request};

// ANCHOR: accept_loop
/// Serves clients one after another, forever, with the files under `root`.
pub fn run(listener: TcpListener, root: &Path) {
    let limits = Limits::default();
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                // A failed connection (the client reset it, say) is that client's
                // problem; the server logs it and takes the next one.
                if let Err(error) = handle_connection(stream, root, &limits) {
                    eprintln!("connection failed: {error}");
                }
            }
            Err(error) => eprintln!("accept failed: {error}"),
        }
    }
}
// ANCHOR_END: accept_loop

// ANCHOR: handle_connection
fn handle_connection(mut stream: TcpStream, root: &Path, limits: &Limits) -> io::Result<()> {
    let peer = stream.peer_addr()?;
    let (response, head_only) = match read_request(&mut stream, limits)? {
        Incoming::Request(request) => {
            let response = respond(&request, root);
            eprintln!(
                "{peer} {} {} -> {}",
                request.method, request.target, response.status.code
            );
            (response, request.is_head())
        }
        Incoming::Invalid(error) => {
            eprintln!("{peer} {error}");
            (error.into_response(), false)
        }
        // Connected and left without a byte: there is no one to answer.
        Incoming::Closed => return Ok(()),
    };
    // ANCHOR: one_write
    // One buffer, one write: the status line, headers and body leave together, so
    // Nagle's algorithm never holds back a second small write (see the page).
    stream.write_all(&response.to_bytes(head_only))?;
    // ANCHOR_END: one_write
    Ok(())
}
// ANCHOR_END: handle_connection

/// What reading a connection produced.
#[derive(Debug)]
pub enum Incoming {
    /// A whole request.
    Request(Request),
    /// Bytes that are not a request we accept; answer with the error's status, close.
    Invalid(HttpError),
    /// The client closed before sending anything.
    Closed,
}

// ANCHOR: read_request
/// Reads until the buffer holds a whole request, however many `read`s that takes.
pub fn read_request(stream: &mut impl Read, limits: &Limits) -> io::Result<Incoming> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // Parse first: the bytes so far may already be a whole request. The limits
        // also bound this buffer: the head to 8 KiB, the body to 1 MiB.
        match parse_request(&buffer, limits) {
            Ok(Parsed::Complete { request, .. }) => return Ok(Incoming::Request(request)),
            Ok(Parsed::Incomplete) => {}
            Err(error) => return Ok(Incoming::Invalid(error)),
        }
        // `read` returns whatever has arrived: one byte, half a header, or the head
        // and part of the body. It blocks only while nothing at all has arrived.
        let n = match stream.read(&mut chunk) {
            Ok(n) => n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if n == 0 {
            // End of stream: the client closed its side and nothing more will come.
            return Ok(if buffer.is_empty() {
                Incoming::Closed
            } else {
                Incoming::Invalid(HttpError::BadRequest(
                    "the connection closed in the middle of a request",
                ))
            });
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}
// ANCHOR_END: read_request

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out its bytes a few at a time, as a slow network would.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(self.bytes.len()).min(buf.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_request_read_one_byte_at_a_time_is_whole() {
        let raw = b"POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
        for step in [1, 2, 7, 4096] {
            let mut reader = Trickle { bytes: raw, step };
            match read_request(&mut reader, &Limits::default()).unwrap() {
                Incoming::Request(request) => assert_eq!(request.body, b"abc"),
                other => panic!("step {step}: {other:?}"),
            }
        }
    }

    #[test]
    fn end_of_stream_mid_request_is_a_bad_request() {
        let mut reader = Trickle {
            bytes: b"GET / HTTP/1.1\r\nHost:",
            step: 5,
        };
        assert!(matches!(
            read_request(&mut reader, &Limits::default()).unwrap(),
            Incoming::Invalid(HttpError::BadRequest(_))
        ));
        let mut silent = Trickle {
            bytes: b"",
            step: 1,
        };
        assert!(matches!(
            read_request(&mut silent, &Limits::default()).unwrap(),
            Incoming::Closed
        ));
    }
}
