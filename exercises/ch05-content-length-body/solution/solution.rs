//! Reference solution for ch05-content-length-body.

use crate::given::Framing;

/// What the bytes received so far amount to.
pub fn frame(buffer: &[u8]) -> Framing {
    let Some(blank_line) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Framing::Incomplete;
    };
    let head_len = blank_line + 4;
    let head = String::from_utf8_lossy(&buffer[..head_len]);

    let mut body_len = None;
    // The first line is the request line; headers follow, one per line.
    for line in head.split("\r\n").skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if !name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        let value = value.trim();
        // Digits only: `"+5".parse::<usize>()` would say 5.
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Framing::Invalid;
        }
        let Ok(length) = value.parse::<usize>() else {
            return Framing::Invalid;
        };
        // A second Content-Length must say the same: taking either one would let this
        // server and another disagree on where the body ends.
        if body_len.is_some_and(|earlier| earlier != length) {
            return Framing::Invalid;
        }
        body_len = Some(length);
    }
    let body_len = body_len.unwrap_or(0);

    match head_len.checked_add(body_len) {
        Some(end) if buffer.len() >= end => Framing::Complete { head_len, body_len },
        Some(_) => Framing::Incomplete,
        None => Framing::Invalid,
    }
}
