//! Reference solution for ch14-full-queue-503.

use std::io::{ErrorKind, Read, Write};
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
            // Take in the request bytes that have arrived: closing with unread bytes
            // would make the kernel reset the connection, and the client would lose
            // the 503. Without waiting: a silent client must not hold up accepting.
            drain_without_waiting(&mut stream);
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

/// Reads and discards whatever the client has sent so far, and stops at the first
/// `WouldBlock` (nothing more has arrived) or at the end of the stream.
fn drain_without_waiting(stream: &mut TcpStream) {
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let mut scratch = [0u8; 4096];
    loop {
        match stream.read(&mut scratch) {
            Ok(0) => break,
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => break, // WouldBlock: all that has arrived is read
        }
    }
    let _ = stream.set_nonblocking(false);
}
