//! One line per request on stderr, so a reader watching the terminal sees every
//! request arrive, and tests can wait for a line instead of sleeping.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
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
    format!(
        "{peer} \"{method} {target}\" {status} {bytes} {}ms",
        Tenths(elapsed)
    )
}

/// A duration in milliseconds with one decimal, `0.3`, from integers: a busy event loop
/// writes one per request, and float formatting costs several times more.
struct Tenths(Duration);

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = (self.0.as_micros() + 50) / 100;
        write!(f, "{}.{}", tenths / 10, tenths % 10)
    }
}

/// Prints [`request_line`] on stderr (or into this thread's buffer).
pub fn request(
    peer: &str,
    method: &str,
    target: &str,
    status: u16,
    bytes: usize,
    elapsed: Duration,
) {
    let buffered = PENDING.with(|pending| {
        let mut pending = pending.borrow_mut();
        let Some(lines) = pending.as_mut() else {
            return false;
        };
        // The busiest line there is, built by hand: `format!` would cost more than
        // answering the request it describes.
        let tenths = (elapsed.as_micros() + 50) / 100;
        for part in [peer, " \"", method, " ", target, "\" "] {
            lines.push_str(part);
        }
        push_number(lines, u64::from(status));
        lines.push(' ');
        push_number(lines, bytes as u64);
        lines.push(' ');
        push_number(lines, u64::try_from(tenths / 10).unwrap_or(u64::MAX));
        lines.push('.');
        push_number(lines, (tenths % 10) as u64);
        lines.push_str("ms\n");
        true
    });
    if !buffered {
        let mut line = request_line(peer, method, target, status, bytes, elapsed);
        line.push('\n');
        write_out(&line);
    }
}

/// Writes one line now, even on a thread that buffers: for the server's own lines (a
/// failed accept, the stop), which must not wait for a flush that may never come.
pub fn at_once(text: fmt::Arguments) {
    write_out(&format!("{text}\n"));
}

/// One `write` for a whole line. Stderr has no buffer: `writeln!` on it makes a system
/// call for every piece of the format string, a dozen for one request line, and a
/// hundred threads logging at once then queue on stderr's lock between the pieces.
fn write_out(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Appends `n` in decimal (with the response head's digit writer: no `String` per number).
fn push_number(text: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    for &digit in crate::response::decimal(n, &mut digits) {
        text.push(char::from(digit));
    }
}

/// Something that happened to a connection outside the request/response flow:
/// `127.0.0.1:51234 closed before sending a request`.
pub fn event(peer: &str, what: &str) {
    line(format_args!("{peer} {what}"));
}

// ANCHOR: buffered
thread_local! {
    /// This thread's log lines not yet written, when it asked for buffering.
    static PENDING: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Past this many bytes a buffered thread writes its lines out at once.
const FLUSH_AT: usize = 64 * 1024;

/// From now on, this thread's lines wait in memory until [`flush`]. An event loop that
/// answers tens of thousands of requests a second would otherwise make one `write`
/// system call per request for its log alone: as many as for the answers. nginx's
/// `access_log ... buffer=` makes the same trade. The loop calls [`flush`] once per
/// turn, so a line is never later than the turn that made it.
pub fn buffer_this_thread() {
    PENDING.with(|pending| *pending.borrow_mut() = Some(String::new()));
}

/// Writes out this thread's buffered lines (nothing if it does not buffer).
pub fn flush() {
    PENDING.with(|pending| {
        if let Some(lines) = pending.borrow_mut().as_mut()
            && !lines.is_empty()
        {
            write_out(lines);
            lines.clear();
        }
    });
}

/// Writes one line on stderr, or into this thread's buffer. Not `eprintln!`: it panics
/// when stderr is gone (a closed pipe, say), and a server must not stop, or stop
/// stopping, for a log line.
pub fn line(text: fmt::Arguments) {
    let full = PENDING.with(|pending| match pending.borrow_mut().as_mut() {
        Some(lines) => {
            let _ = writeln!(lines, "{text}");
            Some(lines.len() >= FLUSH_AT)
        }
        None => None,
    });
    match full {
        None => at_once(text),
        Some(true) => flush(),
        Some(false) => {}
    }
}
// ANCHOR_END: buffered

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buffered_line_is_the_same_line() {
        buffer_this_thread();
        let elapsed = Duration::from_micros(12_345);
        request("127.0.0.1:9", "GET", "/", 404, 0, elapsed);
        let buffered = PENDING.with(|pending| pending.borrow_mut().take());
        let expected = request_line("127.0.0.1:9", "GET", "/", 404, 0, elapsed);
        assert_eq!(buffered, Some(format!("{expected}\n")));
    }

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
