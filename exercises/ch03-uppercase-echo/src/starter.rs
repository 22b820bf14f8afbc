//! Exercise ch03-uppercase-echo
//!
//! Chapter 03's echo server sends every byte back as it came. Make it shout: send back
//! the same bytes with ASCII letters in upper case (`hello` comes back as `HELLO`),
//! still 16 bytes at a time, until the client closes its side.
//!
//! Judge your attempt with `cargo run -p ch03-uppercase-echo`.

use std::io::{self, Read, Write};
use std::net::TcpStream;

/// Reads from `stream` until EOF, writing each chunk back in upper case.
// ANCHOR: starter
pub fn echo_uppercase(mut stream: TcpStream) -> io::Result<()> {
    let mut buffer = [0u8; 16];
    loop {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            return Ok(());
        }
        // TODO: turn the `n` bytes just read into upper case before sending them back.
        // (Only ASCII letters change; every other byte goes back as it came.)
        stream.write_all(&buffer[..n])?;
    }
}
// ANCHOR_END: starter
