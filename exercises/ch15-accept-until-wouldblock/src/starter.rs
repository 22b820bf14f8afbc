//! Exercise ch15-accept-until-wouldblock
//!
//! An event loop hears "the listener is readable" once, however many clients are
//! waiting (mio's readiness is edge-triggered). So when it hears it, it must accept
//! every waiting client, until `accept` says `WouldBlock`; a client left behind waits
//! until some other client happens to connect.
//!
//! `accept_all` gets a non-blocking listener. Accept until `WouldBlock` and return
//! every stream, each switched to non-blocking mode (std's `accept` returns blocking
//! streams even from a non-blocking listener, and one blocking read would stall the
//! whole loop). Retry on `Interrupted`; skip `ConnectionAborted` (that client gave up
//! while waiting); return any other error.
//!
//! Judge your attempt with `cargo run -p ch15-accept-until-wouldblock`.

use std::io;
use std::net::{TcpListener, TcpStream};

/// Accepts every client waiting on `listener` (which is non-blocking).
// ANCHOR: starter
pub fn accept_all(listener: &TcpListener) -> io::Result<Vec<TcpStream>> {
    let mut streams = Vec::new();
    // TODO: accept in a loop until `ErrorKind::WouldBlock`, not just once.
    match listener.accept() {
        Ok((stream, _peer)) => {
            // TODO: make the stream non-blocking before keeping it.
            streams.push(stream);
        }
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        Err(e) => return Err(e),
    }
    Ok(streams)
}
// ANCHOR_END: starter
