//! What the peer servers share: the canned answer, finding the end of a request head,
//! and the ready line. Each server lives in `src/bin/` and is small enough to read whole.
#![forbid(unsafe_code)]

use std::io::Write;
use std::net::SocketAddr;

/// The size of the canned body, the same as the file `bench/keepalive.sh` asks nginx,
/// hyper and the chapters for, so every server sends the same number of bytes.
pub const BODY_LEN: usize = 1024;

/// The canned answer to every request: `200 OK` with a 1 KiB body. With `close` it says
/// `Connection: close`, for the server that answers once per connection.
pub fn canned_response(close: bool) -> Vec<u8> {
    let connection = if close { "Connection: close\r\n" } else { "" };
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {BODY_LEN}\r\n{connection}\r\n"
    )
    .into_bytes();
    response.resize(response.len() + BODY_LEN, b'x');
    response
}

/// Where the first request head in `input` ends (just past `\r\n\r\n`), if it is complete.
/// The canned servers need nothing else from a request: no body support, by design.
pub fn head_end(input: &[u8]) -> Option<usize> {
    input
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|start| start + 4)
}

/// Prints the ready line, `Listening on http://ADDR`, and flushes it at once: scripts and
/// tests wait for it, and a line stuck in stdout's buffer is a server that looks dead.
pub fn announce(addr: SocketAddr) {
    let mut stdout = std::io::stdout().lock();
    // With stdout gone there is no one to tell; the server still works.
    let _ = writeln!(stdout, "Listening on http://{addr}");
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canned_response_says_its_own_length() {
        let response = canned_response(false);
        let end = head_end(&response).expect("the response has a head");
        assert_eq!(response.len() - end, BODY_LEN);
        assert!(!String::from_utf8_lossy(&response[..end]).contains("close"));
        assert!(String::from_utf8_lossy(&canned_response(true)).contains("Connection: close"));
    }

    #[test]
    fn finds_only_complete_heads() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\nGET"), Some(18));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r"), None);
    }
}
