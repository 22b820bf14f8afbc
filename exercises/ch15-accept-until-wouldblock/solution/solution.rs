//! Reference solution for ch15-accept-until-wouldblock.

use std::io;
use std::net::{TcpListener, TcpStream};

/// Accepts every client waiting on `listener` (which is non-blocking).
pub fn accept_all(listener: &TcpListener) -> io::Result<Vec<TcpStream>> {
    let mut streams = Vec::new();
    loop {
        match listener.accept() {
            Ok((stream, _peer)) => {
                stream.set_nonblocking(true)?;
                streams.push(stream);
            }
            // Nobody else is waiting: back to the event loop.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(streams),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => {}
            Err(e) => return Err(e),
        }
    }
}
