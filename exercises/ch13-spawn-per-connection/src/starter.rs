//! Exercise ch13-spawn-per-connection
//!
//! This accept loop serves one connection at a time: while `handle` is busy with a
//! slow client, every other client waits in the listen backlog. Make it chapter 13's
//! loop: give each accepted connection a thread of its own, and go straight back to
//! `accept`.
//!
//! Judge your attempt with `cargo run -p ch13-spawn-per-connection`.

use std::net::{TcpListener, TcpStream};

/// Accepts connections forever, calling `handle` on each.
// ANCHOR: starter
pub fn serve(listener: TcpListener, handle: fn(TcpStream)) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                // TODO: run `handle(stream)` on a new thread instead of here, so this
                // loop is back in `accept` while the connection is being served.
                handle(stream);
            }
            // A failed accept concerns one client, not the server: keep going.
            Err(e) => eprintln!("accept failed: {e}"),
        }
    }
}
// ANCHOR_END: starter
