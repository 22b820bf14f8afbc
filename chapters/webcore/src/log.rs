//! One line per request on stderr, so a reader watching the terminal sees every
//! request arrive, and tests can wait for a line instead of sleeping.

use std::fmt;
use std::io::{self, Write};
use std::time::Duration;

/// The line for one answered request:
/// `127.0.0.1:51234 "GET /now" 200 812 0.3ms`.
/// `method` and `target` are `-` when the request could not be parsed.
pub fn request_line(
    peer: &str,
    method: &str,
    target: &str,
    status: u16,
    bytes: usize,
    elapsed: Duration,
) -> String {
    let ms = elapsed.as_secs_f64() * 1000.0;
    format!("{peer} \"{method} {target}\" {status} {bytes} {ms:.1}ms")
}

/// Prints [`request_line`] on stderr.
pub fn request(
    peer: &str,
    method: &str,
    target: &str,
    status: u16,
    bytes: usize,
    elapsed: Duration,
) {
    line(format_args!(
        "{}",
        request_line(peer, method, target, status, bytes, elapsed)
    ));
}

/// Something that happened to a connection outside the request/response flow:
/// `127.0.0.1:51234 closed before sending a request`.
pub fn event(peer: &str, what: &str) {
    line(format_args!("{peer} {what}"));
}

/// Writes one line on stderr. Not `eprintln!`: it panics when stderr is gone (a closed
/// pipe, say), and a server must not stop, or stop stopping, for a log line.
pub fn line(text: fmt::Arguments) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_readable_line() {
        let line = request_line(
            "127.0.0.1:9",
            "GET",
            "/now",
            200,
            812,
            Duration::from_micros(300),
        );
        assert_eq!(line, "127.0.0.1:9 \"GET /now\" 200 812 0.3ms");
    }
}
