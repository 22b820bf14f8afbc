//! What an accept loop does when `accept` fails: one rule for every accept loop of the
//! workbook (the blocking ones of chapters 10, 11, 13 and 14, the event loops of 15, 16
//! and 18, tokio's in 17), so none of them stops for a client's mistake or spins on a
//! shortage, and all of them stop when the listener itself is broken.

use std::fmt;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use crate::shutdown::Shutdown;

// ANCHOR: say
/// Logs one `server: ...` line for the accept loop, at once (past a buffering thread's
/// buffer: it may be the loop's last word), in one `write`. A failed write is ignored:
/// the accept loop must not stop for a log line (`eprintln!` panics when stderr is gone).
pub fn say(line: fmt::Arguments) {
    crate::log::at_once(format_args!("server: {line}"));
}
// ANCHOR_END: say

// ANCHOR: accept_error
/// What the accept loop does after `accept` fails.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Only the connection being accepted is lost: accept the next one.
    Retry,
    /// The server is short of something that comes back when connections close
    /// (file descriptors, memory): pause, then keep serving.
    BackOff(Duration),
    /// The listening socket itself is unusable: no retry can fix that.
    Stop,
}

/// Linux's numbers for the errors we name (`libc` has them, but we need only four).
const EBADF: i32 = 9;
const EINVAL: i32 = 22;
const EMFILE: i32 = 24;
const ENOTSOCK: i32 = 88;

pub fn after_accept_error(error: &io::Error) -> Next {
    match (error.raw_os_error(), error.kind()) {
        // The descriptor is not a listening socket any more. Retrying would print
        // this line forever while looking alive: better to exit with status 1 and
        // let whoever runs us (a terminal, systemd) see it.
        (Some(EBADF | EINVAL | ENOTSOCK), _) => {
            say(format_args!("accept failed for good: {error}"));
            Next::Stop
        }
        // A client gave up between the handshake and our accept, or a signal arrived.
        (_, io::ErrorKind::ConnectionAborted | io::ErrorKind::Interrupted) => Next::Retry,
        // EMFILE: every open connection holds a file descriptor, and we have used
        // them all. Not a reason to stop: each connection that ends gives one back.
        // Retrying at once would spin at 100% CPU, so wait a little.
        (Some(EMFILE), _) => {
            say(format_args!(
                "out of file descriptors (EMFILE); see `ulimit -n`. Pausing."
            ));
            Next::BackOff(Duration::from_millis(100))
        }
        // Anything else (ENFILE, ENOBUFS, ENOMEM, network errors Linux reports on
        // accept) is about this moment or this client, not about the listener.
        _ => {
            say(format_args!("accept failed: {error}; pausing"));
            Next::BackOff(Duration::from_millis(100))
        }
    }
}
// ANCHOR_END: accept_error

// ANCHOR: accept_next
/// The next connection for a blocking accept loop (chapters 10, 11, 13, 14), with the
/// rule above applied: `Ok(None)` once shutdown is requested (the connection that woke
/// us up, or a client that came too late, is closed unanswered), and an error only when
/// the listening socket itself is broken.
pub fn accept_next(
    listener: &TcpListener,
    shutdown: &Shutdown,
) -> io::Result<Option<(TcpStream, SocketAddr)>> {
    while !shutdown.is_requested() {
        match listener.accept() {
            Ok(_too_late) if shutdown.is_requested() => break,
            Ok(connection) => return Ok(Some(connection)),
            Err(e) => match after_accept_error(&e) {
                Next::Retry => {}
                Next::BackOff(pause) => thread::sleep(pause),
                Next::Stop => return Err(e),
            },
        }
    }
    Ok(None)
}
// ANCHOR_END: accept_next

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_errors_are_sorted_by_whom_they_concern() {
        let emfile = io::Error::from_raw_os_error(EMFILE);
        assert_eq!(
            after_accept_error(&emfile),
            Next::BackOff(Duration::from_millis(100))
        );
        let aborted = io::Error::from(io::ErrorKind::ConnectionAborted);
        assert_eq!(after_accept_error(&aborted), Next::Retry);
        let broken = io::Error::from_raw_os_error(EBADF);
        assert_eq!(after_accept_error(&broken), Next::Stop);
    }
}
