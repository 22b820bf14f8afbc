//! Exercise ch18-pipelined-split
//!
//! With keep-alive, a client may *pipeline*: send its next requests without waiting for
//! the answers. A read then hands the server two and a half requests at once, and the
//! next read brings the rest of the third. The server appends every read to one buffer
//! and calls `take_requests`, which must:
//!
//! - take every whole request out of the front of the buffer, in order, and return
//!   each as a `Piece::Request` with its bytes (head and body);
//! - leave the bytes of a request that is not whole yet in the buffer, where the next
//!   read completes it;
//! - at bytes that can never become a request, return `Piece::Invalid` after the
//!   requests before them, and empty the buffer: nothing after them can be trusted.
//!
//! The mistake chapter 18 warns about is throwing bytes away: clearing the buffer after
//! taking a request, or starting a fresh buffer for every read, loses the requests that
//! came in the same read. The client then waits for answers that never come.
//!
//! `frame(buffer)` says where the first request in the buffer ends (`Framing`: whole and
//! how long, not yet whole, or invalid). It, `Framing` and `Piece` are defined in
//! `src/given.rs`.
//!
//! Judge your attempt with `cargo run -p ch18-pipelined-split`.

use crate::given::{Framing, Piece, frame};

/// Takes every whole request out of the front of `buffer`, in order; leaves the start
/// of an unfinished one in it.
// ANCHOR: starter
pub fn take_requests(buffer: &mut Vec<u8>) -> Vec<Piece> {
    // TODO: ask `frame(buffer)` where the first request ends, and ask again after each
    // request you take out: one buffer may hold several.
    // TODO: `Framing::Complete { len }`: take the first `len` bytes out of the buffer
    // (`buffer.drain(..len)`), keeping every byte after them.
    // TODO: `Framing::Incomplete`: stop, and leave the bytes for the next read.
    // TODO: `Framing::Invalid`: add `Piece::Invalid`, empty the buffer, and stop.
    let _ = (buffer, frame, Framing::Incomplete); // (delete this line once you use them)
    Vec::new()
}
// ANCHOR_END: starter
