//! Reference solution for ch18-pipelined-split.

use crate::given::{Framing, Piece, frame};

/// Takes every whole request out of the front of `buffer`, in order; leaves the start
/// of an unfinished one in it.
pub fn take_requests(buffer: &mut Vec<u8>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    loop {
        match frame(buffer) {
            Framing::Complete { len } => {
                // `drain` takes this request's bytes and keeps the ones after it:
                // they are the next (pipelined) request, or the start of it.
                pieces.push(Piece::Request(buffer.drain(..len).collect()));
            }
            // The rest of this request is still on its way: keep what we have.
            Framing::Incomplete => return pieces,
            Framing::Invalid => {
                // Where would the next request start? No telling: drop it all.
                buffer.clear();
                pieces.push(Piece::Invalid);
                return pieces;
            }
        }
    }
}
