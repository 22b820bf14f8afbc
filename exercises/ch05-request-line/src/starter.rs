//! Exercise ch05-request-line
//!
//! Chapter 05 lets `httparse` check the request line. Do it yourself: split a line such
//! as `GET /index.html HTTP/1.1` (without its `\r\n`) into its three parts, and say what
//! is wrong when it is not a request line we accept:
//!
//! - an empty line is `LineError::Empty`;
//! - anything but exactly three parts separated by single spaces is `WrongParts`;
//! - a method must be one or more ASCII upper-case letters (`GET`), else `BadMethod`;
//! - a target must start with `/`, else `BadTarget`;
//! - the version must be exactly `HTTP/1.0` or `HTTP/1.1`, else `BadVersion`.
//!
//! Check the faults in that order and report the first one you find: `get index.html
//! HTTP/2` is a `BadMethod` (the method is checked before the target and the version),
//! and `get index.html` is `WrongParts` (it has only two parts, and the parts come first).
//!
//! `RequestLine` (the three parts) and `LineError` (one case per fault) are defined in
//! `src/given.rs`.
//!
//! Judge your attempt with `cargo run -p ch05-request-line`.

use crate::given::{LineError, RequestLine};

// ANCHOR: starter
/// Splits a request line into method, target and version.
pub fn parse_request_line(line: &str) -> Result<RequestLine, LineError> {
    if line.is_empty() {
        return Err(LineError::Empty);
    }
    // TODO: split `line` on single spaces into exactly three parts
    // (`WrongParts` otherwise: mind `"GET  /"`, with two spaces).

    // TODO: check the method, the target and the version, in that order.

    // TODO: return the three parts.
    Err(LineError::WrongParts)
}
// ANCHOR_END: starter
