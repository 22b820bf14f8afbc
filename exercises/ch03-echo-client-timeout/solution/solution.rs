//! Reference solution for ch03-echo-client-timeout.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Duration;

use crate::given::EchoError;

/// Sends `message` to the echo server at `addr`, half-closes, and returns everything
/// that comes back until the server closes. Gives up when a read waits longer than
/// `timeout`. (The message is short: writing it all before reading is safe here.)
pub fn echo_with_timeout(
    addr: SocketAddr,
    message: &[u8],
    timeout: Duration,
) -> Result<Vec<u8>, EchoError> {
    let mut stream = TcpStream::connect(addr).map_err(EchoError::Connect)?;
    // Every `read` from now on waits at most `timeout`. (A zero duration is an error:
    // `None` would mean "no timeout", so the API refuses the ambiguous zero.)
    stream
        .set_read_timeout(Some(timeout))
        .map_err(EchoError::Io)?;
    stream.write_all(message).map_err(EchoError::Io)?;
    stream.shutdown(Shutdown::Write).map_err(EchoError::Io)?;

    let mut echo = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Ok(echo),
            Ok(n) => echo.extend_from_slice(&buffer[..n]),
            // A signal interrupted the wait: not the server's fault, read again.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // Unix reports a read timeout as `WouldBlock` (EAGAIN), Windows as `TimedOut`.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(EchoError::TimedOut(timeout));
            }
            Err(e) => return Err(EchoError::Io(e)),
        }
    }
}
