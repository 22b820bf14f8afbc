//! Reading a request head off a socket, and showing bytes so `\r\n` is visible.

use std::fmt;
use std::io::{self, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The blank line that ends an HTTP request head: CR LF after the last header line,
/// then an empty line, CR LF again.
const END_OF_HEAD: &[u8] = b"\r\n\r\n";

/// Why reading stopped. Each one is a different story about the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// We saw `\r\n\r\n`: a complete request head (a body may follow, unread).
    HeadComplete,
    /// The client closed its sending side (`nc` after its input ends, `shutdown`).
    ClientClosed,
    /// Nothing more arrived before the deadline; we keep what we have.
    TimedOut,
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            End::HeadComplete => "the head ended with a blank line",
            End::ClientClosed => "the client closed its side",
            End::TimedOut => "timed out waiting for more",
        })
    }
}

// ANCHOR: read_head
/// Reads from `stream` until the request head is complete, the client closes its
/// side, or `timeout` has passed since we started, whichever comes first.
///
/// Why not simply `read_to_end`? It reads until EOF, and EOF only comes when the
/// client closes its side. A browser keeps the connection open, waiting for our
/// answer, so `read_to_end` would wait for ever. HTTP's own end marker is the blank
/// line, so that is what we look for; the deadline covers clients that send neither.
pub fn read_head(stream: &mut TcpStream, timeout: Duration) -> io::Result<(Vec<u8>, End)> {
    let deadline = Instant::now() + timeout;
    let mut received = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        // One deadline for the whole head, not one per read: a client dribbling a
        // byte a second must not keep us here for ever.
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok((received, End::TimedOut));
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut buffer) {
            // `read` returns 0 only at EOF: the client will send nothing more.
            Ok(0) => return Ok((received, End::ClientClosed)),
            Ok(n) => {
                received.extend_from_slice(&buffer[..n]);
                // The marker may straddle two reads, so search everything received.
                if contains(&received, END_OF_HEAD) {
                    return Ok((received, End::HeadComplete));
                }
            }
            // A read timeout shows up as `WouldBlock` on Unix and `TimedOut` on Windows.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok((received, End::TimedOut));
            }
            // A signal interrupted the read before any byte arrived: just try again.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}
// ANCHOR_END: read_head

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

// ANCHOR: escape
/// Renders bytes so the invisible ones show: `\r` and `\n` are written out (and a real
/// line break follows each `\n` to keep lines readable), other control bytes and
/// anything outside printable ASCII become `\xNN`.
pub fn escape(bytes: &[u8]) -> String {
    let mut shown = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        match byte {
            b'\r' => shown.push_str("\\r"),
            b'\n' => shown.push_str("\\n\n"),
            b'\\' => shown.push_str("\\\\"),
            b' '..=b'~' => shown.push(char::from(byte)),
            _ => shown.push_str(&format!("\\x{byte:02x}")),
        }
    }
    shown
}
// ANCHOR_END: escape

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_makes_line_ends_and_odd_bytes_visible() {
        assert_eq!(
            escape(b"GET / HTTP/1.1\r\n\r\n"),
            "GET / HTTP/1.1\\r\\n\n\\r\\n\n"
        );
        assert_eq!(escape("é\t\\".as_bytes()), "\\xc3\\xa9\\x09\\\\");
    }

    #[test]
    fn finds_the_marker_anywhere() {
        assert!(contains(b"a\r\n\r\nb", END_OF_HEAD));
        assert!(!contains(b"a\r\n\r", END_OF_HEAD));
    }
}
