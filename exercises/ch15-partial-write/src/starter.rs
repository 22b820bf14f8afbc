//! Exercise ch15-partial-write
//!
//! An event loop owns many non-blocking sockets. When it has a response to send, it
//! offers the bytes to the socket; the socket may take all of them, some of them, or
//! none (`WouldBlock`: its send buffer is full because the client reads slowly). The
//! loop must remember how far it got (`written`), go back to polling, and resume from
//! there on the next writable event.
//!
//! `write_pending` is called on every writable event. Write `output[*written..]` until
//! everything is out (return `Ok(true)`) or the socket says `WouldBlock` (return
//! `Ok(false)`: not an error, just "later"). Advance `*written` by what each write
//! took. Retry on `Interrupted`. Any other error is returned.
//!
//! This version uses `write_all`, which on a non-blocking socket fails with
//! `WouldBlock` half-way and does not say how much it wrote.
//!
//! Judge your attempt with `cargo run -p ch15-partial-write`.

use std::io::{self, Write};

/// Writes `output[*written..]` until done (`Ok(true)`) or the writer would block
/// (`Ok(false)`), advancing `*written`.
// ANCHOR: starter
pub fn write_pending(
    writer: &mut dyn Write,
    output: &[u8],
    written: &mut usize,
) -> io::Result<bool> {
    // TODO: loop with `writer.write(&output[*written..])`, add what each call took to
    // `*written`, and turn `ErrorKind::WouldBlock` into `Ok(false)` (retry on
    // `ErrorKind::Interrupted`; a write that takes 0 bytes is `ErrorKind::WriteZero`).
    writer.write_all(&output[*written..])?;
    *written = output.len();
    Ok(true)
}
// ANCHOR_END: starter
