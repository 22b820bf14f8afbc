//! Exercise ch03-echo-client-timeout
//!
//! Chapter 03's echo client waits for the echo as long as it takes. Against a server
//! that accepts the connection but never answers (a busy one-at-a-time server, or a
//! hung one), it waits for ever. Make it give up: when no byte arrives within
//! `timeout`, return `EchoError::TimedOut(timeout)`, whose message says what happened.
//! A server that answers slowly, but never pauses longer than `timeout`, must still
//! get through.
//!
//! `EchoError`, the error to return (with a message for each case), is defined in
//! `src/given.rs`.
//!
//! Judge your attempt with `cargo run -p ch03-echo-client-timeout`.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Duration;

use crate::given::EchoError;

/// Sends `message` to the echo server at `addr`, half-closes, and returns everything
/// that comes back until the server closes. Gives up when a read waits longer than
/// `timeout`. (The message is short: writing it all before reading is safe here.)
// ANCHOR: starter
pub fn echo_with_timeout(
    addr: SocketAddr,
    message: &[u8],
    timeout: Duration,
) -> Result<Vec<u8>, EchoError> {
    let mut stream = TcpStream::connect(addr).map_err(EchoError::Connect)?;
    // TODO: tell the socket to stop waiting after `timeout` (the line below only
    // silences the unused-variable warning; remove it).
    let _ = timeout;
    stream.write_all(message).map_err(EchoError::Io)?;
    stream.shutdown(Shutdown::Write).map_err(EchoError::Io)?;

    let mut echo = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Ok(echo),
            Ok(n) => echo.extend_from_slice(&buffer[..n]),
            // TODO: a read that timed out is not just any I/O error: recognise it and
            // return `EchoError::TimedOut(timeout)` instead.
            Err(e) => return Err(EchoError::Io(e)),
        }
    }
}
// ANCHOR_END: starter
