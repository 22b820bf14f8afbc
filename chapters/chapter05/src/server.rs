//! The connection loop: accept one client, read until its request is complete, answer,
//! close, and only then accept the next.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};

use crate::error::HttpError;
use crate::request::{Parsed, Request, parse_request};

/// A crude guard until chapter 06 gives each part of the request its own limit:
/// without it, a client could make the buffer below grow until memory runs out.
const MAX_REQUEST_BYTES: usize = 1024 * 1024 + 8 * 1024;

// ANCHOR: accept_loop
/// Serves clients one after another, forever.
pub fn run(listener: TcpListener) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                // A failed connection (the client reset it, say) is that client's
                // problem; the server logs it and takes the next one.
                if let Err(error) = handle_connection(stream) {
                    eprintln!("connection failed: {error}");
                }
            }
            Err(error) => eprintln!("accept failed: {error}"),
        }
    }
}
// ANCHOR_END: accept_loop

// ANCHOR: handle_connection
fn handle_connection(mut stream: TcpStream) -> io::Result<()> {
    let peer = stream.peer_addr()?;
    let answer = match read_request(&mut stream)? {
        Incoming::Request(request) => {
            eprintln!("{peer} {} {} -> 200", request.method, request.target);
            describe(&request)
        }
        Incoming::Invalid(error) => {
            eprintln!("{peer} {error} -> 400");
            plain_text("400 Bad Request", &format!("{error}\n"))
        }
        // Connected and left without a byte (a port scanner, a browser's spare
        // connection): there is no one to answer.
        Incoming::Closed => return Ok(()),
    };
    stream.write_all(answer.as_bytes())?;
    // Returning drops `stream`, which closes the connection: `Connection: close` told
    // the client to expect exactly that.
    Ok(())
}
// ANCHOR_END: handle_connection

/// What reading a connection produced.
#[derive(Debug)]
pub enum Incoming {
    /// A whole request.
    Request(Request),
    /// Bytes that are not a request we accept; answer 400 and close.
    Invalid(HttpError),
    /// The client closed before sending anything.
    Closed,
}

// ANCHOR: read_request
/// Reads until the buffer holds a whole request, however many `read`s that takes.
pub fn read_request(stream: &mut impl Read) -> io::Result<Incoming> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // Parse first: the bytes so far may already be a whole request.
        match parse_request(&buffer) {
            Ok(Parsed::Complete { request, .. }) => return Ok(Incoming::Request(request)),
            Ok(Parsed::Incomplete) => {}
            Err(error) => return Ok(Incoming::Invalid(error)),
        }
        if buffer.len() > MAX_REQUEST_BYTES {
            return Ok(Incoming::Invalid(HttpError::BadRequest(
                "the request is larger than 1 MiB",
            )));
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
        // Shown so you can watch a request arrive in pieces (see the page).
        eprintln!("  read {n} bytes, {} in the buffer", buffer.len());
    }
}
// ANCHOR_END: read_request

// ANCHOR: describe
/// The 200 answer: what the parser understood, as plain text.
fn describe(request: &Request) -> String {
    let mut text = format!(
        "method: {}\npath: {}\nquery: {}\nversion: {}\nhost: {}\nheaders: {}\n",
        request.method,
        request.path,
        request.query.as_deref().unwrap_or("(none)"),
        request.version,
        request.header("Host").unwrap_or("(none)"),
        request.headers.len(),
    );
    for (name, _) in &request.headers {
        text.push_str(&format!("  {name}\n"));
    }
    text.push_str(&format!("body: {} bytes\n", request.body.len()));
    plain_text("200 OK", &text)
}

/// A whole response in one string: status line, headers, blank line, body.
fn plain_text(status: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\n\
         Connection: close\r\n\
         \r\n\
         {body}",
        body.len()
    )
}
// ANCHOR_END: describe

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
            match read_request(&mut reader).unwrap() {
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
            read_request(&mut reader).unwrap(),
            Incoming::Invalid(HttpError::BadRequest(_))
        ));
        let mut silent = Trickle {
            bytes: b"",
            step: 1,
        };
        assert!(matches!(
            read_request(&mut silent).unwrap(),
            Incoming::Closed
        ));
    }
}
