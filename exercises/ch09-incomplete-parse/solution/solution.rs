//! Reference solution for ch09-incomplete-parse.

use std::io::{ErrorKind, Read};

use webcore::{Limits, Parsed, Request, parse_request};

/// Reads one request from `reader`. Returns it with the bytes read past its end.
pub fn read_request(reader: &mut dyn Read) -> Result<(Request, Vec<u8>), String> {
    let limits = Limits::default();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        match parse_request(&buf, &limits) {
            Ok(Parsed::Complete { request, consumed }) => {
                return Ok((request, buf[consumed..].to_vec()));
            }
            Ok(Parsed::Incomplete) => {}
            Err(e) => return Err(e.to_string()),
        }
        match reader.read(&mut chunk) {
            Ok(0) => return Err(format!("the reader ended after {} bytes", buf.len())),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}
