//! Exercise ch06-status-line
//!
//! The first line of every response is the status line: the version, a space, the
//! three-digit status code, a space, the reason phrase, and `\r\n`:
//! `HTTP/1.1 404 Not Found\r\n`. Write `status_line(code)`:
//!
//! - the reason phrases of RFC 9110 for 100, 200, 201, 204, 301, 304, 400, 403, 404, 405,
//!   408, 413, 415, 431, 500, 501, 503 and 505 (413 is "Content Too Large");
//! - any other code from 100 to 599 has an empty reason, but the space before it stays:
//!   `HTTP/1.1 299 \r\n` (the grammar is `version SP code SP [reason]`);
//! - a code outside 100..=599 is not a status code at all: `None`.
//!
//! Judge your attempt with `cargo run -p ch06-status-line`.

// ANCHOR: starter
/// The status line for `code`, with its `\r\n`, or `None` for a number that is not a
/// status code.
pub fn status_line(code: u16) -> Option<String> {
    // TODO: return `None` for codes outside 100..=599.

    // TODO: look up the reason phrase; unknown codes get an empty one.
    let reason = "OK";
    Some(format!("HTTP/1.1 {code} {reason}\r\n"))
}
// ANCHOR_END: starter
