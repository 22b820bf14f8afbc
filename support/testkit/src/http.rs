//! A deliberately small HTTP/1.x client for tests: it writes the exact bytes a test
//! gives it and reads the answer until the server closes, always with a deadline.
//! Hand-written on purpose, so a test can send what no real client would.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// The longest any test read or write may block.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a connection with read and write deadlines set.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)
        .unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream
        .set_read_timeout(Some(IO_TIMEOUT))
        .expect("a non-zero read timeout is valid");
    stream
        .set_write_timeout(Some(IO_TIMEOUT))
        .expect("a non-zero write timeout is valid");
    stream
}

/// A response as it came off the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    pub status: u16,
    pub reason: String,
    /// Header names as the server wrote them.
    pub headers: Vec<(String, String)>,
    /// The bytes after the blank line, exactly as received.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy), for assertions on HTML.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Parses a whole response: status line, headers, blank line, body.
    pub fn parse(raw: &[u8]) -> Result<Response, String> {
        let head_end = find(raw, b"\r\n\r\n").ok_or_else(|| {
            format!(
                "no blank line ending the head in {:?}",
                String::from_utf8_lossy(raw)
            )
        })?;
        let head = std::str::from_utf8(&raw[..head_end])
            .map_err(|_| "the response head is not UTF-8".to_string())?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or_default().to_string();
        let status = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line {status_line:?}"))?;
        let reason = parts.next().unwrap_or_default().to_string();
        if !version.starts_with("HTTP/1.") {
            return Err(format!("bad status line {status_line:?}"));
        }
        let mut headers = Vec::new();
        for line in lines {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("bad header line {line:?}"))?;
            headers.push((name.to_string(), value.trim().to_string()));
        }
        Ok(Response {
            version,
            status,
            reason,
            headers,
            body: raw[head_end + 4..].to_vec(),
        })
    }

    /// Checks what every response must carry (CONTRACT.md): `Content-Length` equal to
    /// the body's length (zero-length body for HEAD), `Date`, `Server`, and
    /// `Content-Type` whenever there is a body.
    pub fn check_framing(&self, head_request: bool) -> Result<(), String> {
        let length: usize = self
            .header("Content-Length")
            .ok_or("no Content-Length header")?
            .parse()
            .map_err(|_| "Content-Length is not a number".to_string())?;
        let expected_body = if head_request { 0 } else { length };
        if self.body.len() != expected_body {
            return Err(format!(
                "Content-Length says {length} but {} body bytes arrived",
                self.body.len()
            ));
        }
        for required in ["Date", "Server"] {
            if self.header(required).is_none() {
                return Err(format!("no {required} header"));
            }
        }
        if length > 0 && self.header("Content-Type").is_none() {
            return Err("a body without Content-Type".into());
        }
        Ok(())
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {} {}", self.version, self.status, self.reason)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        let body = String::from_utf8_lossy(&self.body);
        let shown: String = body.chars().take(600).collect();
        write!(f, "\n{shown}")?;
        if shown.len() < body.len() {
            write!(f, "… ({} bytes in all)", self.body.len())?;
        }
        Ok(())
    }
}

/// Sends `request` exactly as given and reads until the server closes.
///
/// Failing tests quote the request as a `curl` or `printf | nc` line (see
/// [`replay_command`]) so a reader can try it by hand.
pub fn send(addr: SocketAddr, request: &[u8]) -> Result<Response, String> {
    let raw = exchange(addr, request)?;
    Response::parse(&raw).map_err(|e| format!("{e}\n  request: {}", replay_command(addr, request)))
}

/// `GET path` with `Host` and `Connection: close`.
pub fn get(addr: SocketAddr, path: &str) -> Result<Response, String> {
    send(addr, get_request(path).as_bytes())
}

/// The bytes of a minimal well-formed `GET` request.
pub fn get_request(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
}

/// Writes `request`, then reads every byte until EOF (or an error, or the deadline).
pub fn exchange(addr: SocketAddr, request: &[u8]) -> Result<Vec<u8>, String> {
    let mut stream = connect(addr);
    stream.write_all(request).map_err(|e| {
        format!(
            "write failed: {e}\n  request: {}",
            replay_command(addr, request)
        )
    })?;
    read_until_close(&mut stream)
        .map_err(|e| format!("{e}\n  request: {}", replay_command(addr, request)))
}

/// Reads until the peer closes. A reset after some bytes arrived still returns them:
/// a server that closes with unread request bytes pending may reset the connection,
/// and what it sent first is what the test wants to see.
pub fn read_until_close(stream: &mut TcpStream) -> Result<Vec<u8>, String> {
    let deadline = Instant::now() + IO_TIMEOUT;
    let mut received = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if Instant::now() > deadline {
            return Err(format!(
                "no EOF within {IO_TIMEOUT:?}; got {} bytes: {:?}",
                received.len(),
                String::from_utf8_lossy(&received)
            ));
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(received),
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if !received.is_empty()
                    && matches!(
                        e.kind(),
                        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
                    ) =>
            {
                return Ok(received);
            }
            Err(e) => {
                return Err(format!(
                    "read failed after {} bytes: {e}; got {:?}",
                    received.len(),
                    String::from_utf8_lossy(&received)
                ));
            }
        }
    }
}

/// Whether the server closed the connection (EOF or reset) within `timeout`,
/// discarding anything it sent first.
pub fn closes_within(stream: &mut TcpStream, timeout: Duration) -> bool {
    stream
        .set_read_timeout(Some(timeout))
        .expect("a non-zero read timeout is valid");
    let deadline = Instant::now() + timeout;
    let mut chunk = [0u8; 4096];
    while Instant::now() < deadline {
        match stream.read(&mut chunk) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return false;
            }
            Err(_) => return true,
        }
    }
    false
}

/// Half-closes our side: the server sees EOF after the request.
pub fn finish_sending(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
}

/// A shell line that replays `request` by hand: `curl` for a plain GET, `printf … | nc`
/// for anything else.
pub fn replay_command(addr: SocketAddr, request: &[u8]) -> String {
    let text = String::from_utf8_lossy(request);
    if let Some(path) = text.strip_prefix("GET ").and_then(|rest| {
        rest.strip_suffix(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    }) && !path.contains(' ')
    {
        return format!("curl -v 'http://{addr}{path}'");
    }
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '\r' => "\\r".chars().collect::<Vec<_>>(),
            '\n' => "\\n".chars().collect(),
            '\'' => "'\\''".chars().collect(),
            '%' => "%%".chars().collect(),
            '\\' => "\\\\".chars().collect(),
            c if c.is_control() => format!("\\x{:02x}", c as u32).chars().collect(),
            c => vec![c],
        })
        .take(400)
        .collect();
    format!("printf '{escaped}' | nc {} {}", addr.ip(), addr.port())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// A client that keeps its connection: it sends requests and reads one answer at a
/// time, framed by `Content-Length`, leaving the bytes of later answers for later.
pub struct KeepAlive {
    pub stream: TcpStream,
    /// Bytes received past the answers read so far.
    pending: Vec<u8>,
}

impl KeepAlive {
    pub fn connect(addr: SocketAddr) -> KeepAlive {
        KeepAlive {
            stream: connect(addr),
            pending: Vec::new(),
        }
    }

    pub fn send(&mut self, request: &[u8]) -> Result<(), String> {
        self.stream
            .write_all(request)
            .map_err(|e| format!("write failed: {e}"))
    }

    /// Reads the next answer (no body for the answer to a HEAD request).
    pub fn read_response(&mut self, head_request: bool) -> Result<Response, String> {
        let deadline = Instant::now() + IO_TIMEOUT;
        loop {
            if let Some(end) = find(&self.pending, b"\r\n\r\n") {
                let head = Response::parse(&self.pending[..end + 4])?;
                let length: usize = match head.header("Content-Length") {
                    Some(value) => value
                        .parse()
                        .map_err(|_| format!("bad Content-Length in {head:?}"))?,
                    None => return Err(format!("no Content-Length in {head:?}")),
                };
                let total = end + 4 + if head_request { 0 } else { length };
                if self.pending.len() >= total {
                    let raw: Vec<u8> = self.pending.drain(..total).collect();
                    return Response::parse(&raw);
                }
            }
            if Instant::now() > deadline {
                return Err(format!("no whole answer within {IO_TIMEOUT:?}"));
            }
            let mut chunk = [0u8; 16 * 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => {
                    return Err(format!(
                        "the server closed the connection; {} bytes of an answer had arrived",
                        self.pending.len()
                    ));
                }
                Ok(n) => self.pending.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("read failed: {e}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_response() {
        let raw =
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\nno!";
        let response = Response::parse(raw).unwrap();
        assert_eq!(response.status, 404);
        assert_eq!(response.reason, "Not Found");
        assert_eq!(response.header("content-length"), Some("3"));
        assert_eq!(response.body, b"no!");
    }

    #[test]
    fn framing_check_catches_a_wrong_length() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\nDate: x\r\nServer: y\r\n\r\nabc";
        let response = Response::parse(raw).unwrap();
        assert!(response.check_framing(false).is_err());
    }

    #[test]
    fn replays_a_get_as_curl_and_the_rest_as_printf() {
        let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert_eq!(
            replay_command(addr, get_request("/a").as_bytes()),
            "curl -v 'http://127.0.0.1:8080/a'"
        );
        assert_eq!(
            replay_command(addr, b"BREW / HTTP/1.1\r\n\r\n"),
            "printf 'BREW / HTTP/1.1\\r\\n\\r\\n' | nc 127.0.0.1 8080"
        );
    }
}
