//! Exercise ch14-full-queue-503
//!
//! The accept loop hands each connection to the pool through a bounded channel. This
//! version uses `send`, which *waits* when the queue is full: then the accept loop
//! stops accepting, and every new client waits in the backlog with no answer. Make it
//! chapter 14's: never wait. When the queue is full, answer the client at once with
//!
//! ```text
//! HTTP/1.1 503 Service Unavailable\r\n
//! Retry-After: 1\r\n
//! Content-Length: 0\r\n
//! Connection: close\r\n
//! \r\n
//! ```
//!
//! then close the connection, and return. One thing first: read what the client has
//! already sent, without waiting for more (`set_nonblocking(true)`, then `read` until
//! `WouldBlock`). Closing a socket with unread bytes in it makes the kernel reset the
//! connection, and the reset makes the client throw away the 503 before reading it
//! (chapter 14's `turn_away` does the same, with a little patience).
//!
//! Judge your attempt with `cargo run -p ch14-full-queue-503`.

use std::net::TcpStream;
use std::sync::mpsc::SyncSender;

/// Queues `stream` for a worker, or turns it away with 503 when the queue is full.
/// Returns whether it was queued.
// ANCHOR: starter
pub fn hand_over(queue: &SyncSender<TcpStream>, stream: TcpStream) -> bool {
    // TODO: `try_send` instead of `send`; on `TrySendError::Full(stream)`, read what
    // has arrived without waiting, write the 503 above to `stream` and let it drop
    // (which closes it).
    queue.send(stream).is_ok()
}
// ANCHOR_END: starter
