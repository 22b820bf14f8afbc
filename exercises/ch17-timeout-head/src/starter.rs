//! Exercise ch17-timeout-head
//!
//! `read_head` reads a request head (everything up to and including the blank line,
//! `\r\n\r\n`) from a client, in a tokio task. A client gets `limit` to send the
//! *whole* head. This version puts `tokio::time::timeout(limit, …)` around each
//! `read`, so a client that sends one byte every 50 ms never lets a read time out and
//! holds the task forever (slowloris).
//!
//! Give the whole head one deadline: wrap the whole reading loop in a single
//! `timeout` (an `async` block is a future too), or fix a deadline once and use
//! `tokio::time::timeout_at`. When the time is up, return `HeadError::TimedOut`.
//!
//! `HeadError`, why no head was read, is defined in `src/given.rs`.
//!
//! Judge your attempt with `cargo run -p ch17-timeout-head`.

use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::given::HeadError;

/// Reads until the head's blank line; returns every byte read.
pub async fn read_head(stream: &mut TcpStream, limit: Duration) -> Result<Vec<u8>, HeadError> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    // TODO: one timeout for the whole loop, not one per read.
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        // TODO: no timeout here: each read may wait as long as the whole head has left.
        match timeout(limit, stream.read(&mut chunk)).await {
            Err(_elapsed) => return Err(HeadError::TimedOut),
            Ok(Ok(0)) => return Err(HeadError::Closed),
            Ok(Ok(n)) => head.extend_from_slice(&chunk[..n]),
            Ok(Err(e)) => return Err(HeadError::Io(e.to_string())),
        }
    }
    Ok(head)
}
