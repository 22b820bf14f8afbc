//! Exercise ch09-incomplete-parse
//!
//! webcore's `parse_request` never reads a socket: it looks at the bytes so far and
//! says `Parsed::Complete`, `Parsed::Incomplete` ("read more"), or an error. Write the
//! loop that feeds it from any reader, however the bytes are cut: the checks use a
//! reader that hands out one byte per `read`.
//!
//! Return the request and the bytes that came after it (the start of a next request),
//! or an error message when the reader ends before the request does, fails, or the
//! bytes are not HTTP.
//!
//! `parse_request` and `Parsed` are webcore's, in `chapters/webcore/src/parse.rs`;
//! `Request` (method, path, headers, body) is in `chapters/webcore/src/request.rs`, and
//! `Limits` in `chapters/webcore/src/limits.rs`.
//!
//! Judge your attempt with `cargo run -p ch09-incomplete-parse`.

use std::io::Read;

use webcore::{Limits, Parsed, Request, parse_request};

/// Reads one request from `reader`. Returns it with the bytes read past its end.
pub fn read_request(reader: &mut dyn Read) -> Result<(Request, Vec<u8>), String> {
    let limits = Limits::default();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    // TODO: this reads once and parses once, so it only works when the whole request
    // arrives in one `read`. Loop instead: parse, and on `Incomplete` read more
    // (a read of 0 bytes means the reader ended before the request did: an error).
    let n = reader.read(&mut chunk).map_err(|e| e.to_string())?;
    buf.extend_from_slice(&chunk[..n]);
    match parse_request(&buf, &limits) {
        Ok(Parsed::Complete {
            request,
            consumed: _,
        }) => {
            // TODO: return the bytes after `consumed`, not an empty Vec.
            Ok((request, Vec::new()))
        }
        Ok(Parsed::Incomplete) => Err("incomplete request".to_string()),
        Err(e) => Err(e.to_string()),
    }
}
