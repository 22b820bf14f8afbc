//! What can be wrong with a request. Chapter 05 knows one answer for all of it: 400.

use std::fmt;

// ANCHOR: http_error
/// A request we refuse to handle. Every variant becomes a status code; nothing a
/// client sends may panic the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// The bytes are not a well-formed HTTP/1.x request. The text says what was wrong
    /// and goes into the 400 answer, so a reader with `nc` sees why.
    BadRequest(&'static str),
}
// ANCHOR_END: http_error

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::BadRequest(why) => write!(f, "bad request: {why}"),
        }
    }
}
