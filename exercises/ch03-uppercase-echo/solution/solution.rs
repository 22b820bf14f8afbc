//! Reference solution for ch03-uppercase-echo.

use std::io::{self, Read, Write};
use std::net::TcpStream;

/// Reads from `stream` until EOF, writing each chunk back in upper case.
pub fn echo_uppercase(mut stream: TcpStream) -> io::Result<()> {
    let mut buffer = [0u8; 16];
    loop {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            return Ok(());
        }
        // Upper-casing ASCII never changes a byte's length, so the chunk can be changed
        // in place; multi-byte UTF-8 sequences are left alone, even when split in two.
        buffer[..n].make_ascii_uppercase();
        stream.write_all(&buffer[..n])?;
    }
}
