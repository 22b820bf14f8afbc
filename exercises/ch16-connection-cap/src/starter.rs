//! Exercise ch16-connection-cap
//!
//! Chapter 16's server holds at most `--max-connections` connections. At the cap it
//! simply stops accepting: the clients still arriving wait in the kernel's backlog, and
//! the loop comes back for them when a connection closes.
//!
//! `accept_up_to` gets a non-blocking listener, how many connections are `open`, and
//! the cap `max`. Accept until `WouldBlock` *or* until `open` plus the ones accepted in
//! this call reaches `max`; then return, leaving everyone else queued (never accept a
//! client only to drop it). Retry on `Interrupted`; return other errors.
//!
//! This version accepts everyone waiting, whatever the cap.
//!
//! Judge your attempt with `cargo run -p ch16-connection-cap`.

use std::io;
use std::net::{TcpListener, TcpStream};

/// Accepts waiting clients while fewer than `max` connections would be open.
// ANCHOR: starter
pub fn accept_up_to(listener: &TcpListener, open: usize, max: usize) -> io::Result<Vec<TcpStream>> {
    let mut accepted = Vec::new();
    loop {
        // TODO: stop (return what was accepted) once `open + accepted.len()` reaches
        // `max`, before calling `accept` again.
        let _ = (open, max); // (delete this line once you use them)
        match listener.accept() {
            Ok((stream, _peer)) => accepted.push(stream),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(accepted),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}
// ANCHOR_END: starter
