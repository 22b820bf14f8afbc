//! Reference solution for ch14-full-queue-503.

use std::io::Write;
use std::net::TcpStream;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::time::Duration;

/// The whole answer for a client we have no room for.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
Retry-After: 1\r\n\
Content-Length: 0\r\n\
Connection: close\r\n\
\r\n";

/// Queues `stream` for a worker, or turns it away with 503 when the queue is full.
/// Returns whether it was queued.
pub fn hand_over(queue: &SyncSender<TcpStream>, stream: TcpStream) -> bool {
    match queue.try_send(stream) {
        Ok(()) => true,
        Err(TrySendError::Full(mut stream)) => {
            // The accept loop must not wait on this client either: the answer fits in
            // the socket's send buffer, and a short deadline covers the odd case.
            let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
            let _ = stream.write_all(BUSY);
            false // `stream` is dropped here, which closes the connection
        }
        // No workers left to take it: nothing to do but close.
        Err(TrySendError::Disconnected(_)) => false,
    }
}
