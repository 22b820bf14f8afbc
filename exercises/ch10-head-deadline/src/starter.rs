//! Exercise ch10-head-deadline
//!
//! `read_head` reads a request head (everything up to and including the blank line,
//! `\r\n\r\n`) from a client. A client gets `limit` to send the *whole* head. This version
//! sets a read timeout of `limit` for each `read`, so a client that sends one byte every
//! 50 ms never lets a read time out and holds the server forever (slowloris).
//!
//! Give the whole head one deadline: fix it once, before the first read, and before
//! every read set the read timeout to what is left of it. When nothing is left, give
//! up with `HeadError::TimedOut`.
//!
//! `HeadError`, why no head was read, is defined in `src/given.rs`.
//!
//! Judge your attempt with `cargo run -p ch10-head-deadline`.

use std::io::{ErrorKind, Read};
use std::net::TcpStream;
use std::time::Duration;

use crate::given::HeadError;

/// Reads until the head's blank line; returns every byte read.
pub fn read_head(stream: &mut TcpStream, limit: Duration) -> Result<Vec<u8>, HeadError> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    // TODO: fix the deadline here, once.
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        // TODO: set the timeout to what is left of the deadline, not to the whole
        // `limit` again (and return `TimedOut` when nothing is left).
        stream
            .set_read_timeout(Some(limit))
            .map_err(|e| HeadError::Io(e.to_string()))?;
        match stream.read(&mut chunk) {
            Ok(0) => return Err(HeadError::Closed),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(HeadError::TimedOut);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(HeadError::Io(e.to_string())),
        }
    }
    Ok(head)
}
