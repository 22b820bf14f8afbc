//! Exercise ch05-content-length-body
//!
//! A request is whole when its head has ended (the blank line, `\r\n\r\n`) *and* the
//! `Content-Length` bytes of body that the head announces have arrived. Write `frame`,
//! which looks at the bytes received so far and says which it is:
//!
//! - no blank line yet: `Framing::Incomplete`;
//! - a `Content-Length` header (any capitalisation) whose value is not only ASCII digits:
//!   `Framing::Invalid`;
//! - two `Content-Length` headers with different values: `Framing::Invalid` (two
//!   programs that picked different ones would disagree on where the next request
//!   starts: request smuggling, as chapter 05 explains); the same value twice is fine;
//! - no `Content-Length` header: the body is empty;
//! - fewer body bytes than announced: `Framing::Incomplete`;
//! - otherwise `Framing::Complete { head_len, body_len }`.
//!
//! No `httparse` here: find the header yourself.
//!
//! `Framing`, the three answers `frame` can give, is defined in `src/given.rs`.
//!
//! Judge your attempt with `cargo run -p ch05-content-length-body`.

use crate::given::Framing;

// ANCHOR: starter
/// What the bytes received so far amount to.
pub fn frame(buffer: &[u8]) -> Framing {
    // The head ends after the first `\r\n\r\n`.
    let Some(blank_line) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Framing::Incomplete;
    };
    let head_len = blank_line + 4;
    let head = String::from_utf8_lossy(&buffer[..head_len]);

    // TODO: find the `Content-Length` headers in `head` (names are case-insensitive),
    // check that each value is all digits and that they agree, and parse it.
    let body_len = 0;
    let _ = head;

    // TODO: the request is incomplete until `head_len + body_len` bytes are here.
    Framing::Complete { head_len, body_len }
}
// ANCHOR_END: starter
