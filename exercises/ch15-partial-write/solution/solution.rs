//! Reference solution for ch15-partial-write.

use std::io::{self, ErrorKind, Write};

/// Writes `output[*written..]` until done (`Ok(true)`) or the writer would block
/// (`Ok(false)`), advancing `*written`.
pub fn write_pending(
    writer: &mut dyn Write,
    output: &[u8],
    written: &mut usize,
) -> io::Result<bool> {
    while *written < output.len() {
        match writer.write(&output[*written..]) {
            // A writer that takes nothing would have us spin forever.
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => *written += n,
            // The send buffer is full: the caller waits for the next writable event.
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(false),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}
