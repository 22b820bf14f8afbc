//! A response, and the exact bytes that carry it.

use std::time::SystemTime;

/// A status code and its reason phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub code: u16,
    pub reason: &'static str,
}

impl Status {
    pub const OK: Status = Status::new(200, "OK");
    pub const BAD_REQUEST: Status = Status::new(400, "Bad Request");
    pub const FORBIDDEN: Status = Status::new(403, "Forbidden");
    pub const NOT_FOUND: Status = Status::new(404, "Not Found");
    pub const METHOD_NOT_ALLOWED: Status = Status::new(405, "Method Not Allowed");
    pub const REQUEST_TIMEOUT: Status = Status::new(408, "Request Timeout");
    pub const PAYLOAD_TOO_LARGE: Status = Status::new(413, "Content Too Large");
    pub const UNSUPPORTED_MEDIA_TYPE: Status = Status::new(415, "Unsupported Media Type");
    pub const HEADERS_TOO_LARGE: Status = Status::new(431, "Request Header Fields Too Large");
    pub const INTERNAL_SERVER_ERROR: Status = Status::new(500, "Internal Server Error");
    pub const NOT_IMPLEMENTED: Status = Status::new(501, "Not Implemented");
    pub const SERVICE_UNAVAILABLE: Status = Status::new(503, "Service Unavailable");
    pub const VERSION_NOT_SUPPORTED: Status = Status::new(505, "HTTP Version Not Supported");

    pub const fn new(code: u16, reason: &'static str) -> Status {
        Status { code, reason }
    }
}

/// `n` in decimal, written at the end of `digits`: no `String` per number (the log
/// line uses it too).
pub(crate) fn decimal(mut n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &digits[start..];
        }
    }
}

/// The `Date` header's text, made once a second rather than once per response.
mod date {
    use std::cell::RefCell;
    use std::time::{SystemTime, UNIX_EPOCH};

    thread_local! {
        /// The second it was made for, and the text.
        static CACHED: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }

    /// Calls `use_it` with the HTTP date of `now` (one-second resolution, as HTTP's is).
    pub fn with_http_date<T>(now: SystemTime, use_it: impl FnOnce(&str) -> T) -> T {
        let second = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        CACHED.with(|cached| {
            let mut cached = cached.borrow_mut();
            if cached.0 != second {
                *cached = (second, httpdate::fmt_http_date(now));
            }
            use_it(&cached.1)
        })
    }
}

/// What every response says in its `Server` header.
pub const SERVER_NAME: &str = "homebrew-workbook";

/// A response before it becomes bytes. `to_bytes` adds the headers every response
/// carries (`Content-Length`, `Date`, `Server`, `Connection`), so handlers never do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: Status,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// An empty response with `status`.
    pub fn new(status: Status) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body and the `Content-Type` that describes it.
    pub fn body(self, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        let mut response = self.header("Content-Type", content_type);
        response.body = body.into();
        response
    }

    /// An HTML page.
    pub fn html(status: Status, html: &str) -> Response {
        Response::new(status).body("text/html; charset=utf-8", html)
    }

    /// A plain-text answer.
    pub fn text(status: Status, text: &str) -> Response {
        Response::new(status).body("text/plain; charset=utf-8", text)
    }

    /// The first header called `name` (case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The response as it goes on the wire, with `Connection: close`. With `head_only`
    /// (the answer to a HEAD request) the headers describe the body but the body stays
    /// home.
    pub fn to_bytes(&self, head_only: bool) -> Vec<u8> {
        self.to_bytes_with(head_only, false, SystemTime::now())
    }

    // ANCHOR: to_bytes
    /// The response as bytes, with `Connection: keep-alive` or `close` and the `Date`
    /// of `now`. One buffer, so the caller can send it with one write (two small writes
    /// can meet Nagle's algorithm and a 40 ms delayed ACK) or in pieces, as a
    /// non-blocking socket accepts them.
    pub fn to_bytes_with(&self, head_only: bool, keep_alive: bool, now: SystemTime) -> Vec<u8> {
        // Sized once: the head is a few hundred bytes at most, and the body is known.
        let body = if head_only { &[][..] } else { &self.body[..] };
        let mut bytes = Vec::with_capacity(256 + body.len());
        let mut line = |parts: &[&[u8]]| {
            for part in parts {
                bytes.extend_from_slice(part);
            }
            bytes.extend_from_slice(b"\r\n");
        };
        let mut digits = [0u8; 20];
        let code = decimal(u64::from(self.status.code), &mut digits);
        line(&[b"HTTP/1.1 ", code, b" ", self.status.reason.as_bytes()]);
        for (name, value) in &self.headers {
            line(&[name.as_bytes(), b": ", value.as_bytes()]);
        }
        // Content-Length is the body's length even for HEAD: it tells the client what
        // a GET would have sent.
        let mut digits = [0u8; 20];
        let length = decimal(self.body.len() as u64, &mut digits);
        line(&[b"Content-Length: ", length]);
        date::with_http_date(now, |date| line(&[b"Date: ", date.as_bytes()]));
        line(&[b"Server: ", SERVER_NAME.as_bytes()]);
        let connection: &[u8] = if keep_alive { b"keep-alive" } else { b"close" };
        line(&[b"Connection: ", connection]);
        line(&[]);
        bytes.extend_from_slice(body);
        bytes
    }
    // ANCHOR_END: to_bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn bytes_are_exact() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777);
        let response = Response::text(Status::NOT_FOUND, "no!");
        assert_eq!(
            String::from_utf8(response.to_bytes_with(false, false, now)).unwrap(),
            "HTTP/1.1 404 Not Found\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\
             Content-Length: 3\r\n\
             Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n\
             Server: homebrew-workbook\r\n\
             Connection: close\r\n\
             \r\n\
             no!"
        );
    }

    #[test]
    fn head_keeps_the_length_and_drops_the_body() {
        let response = Response::html(Status::OK, "<p>hello</p>");
        let bytes = String::from_utf8(response.to_bytes(true)).unwrap();
        assert!(bytes.contains("Content-Length: 12\r\n"), "{bytes}");
        assert!(bytes.ends_with("\r\n\r\n"), "{bytes}");
    }

    #[test]
    fn keep_alive_is_said_when_asked() {
        let bytes = Response::new(Status::OK).to_bytes_with(false, true, SystemTime::now());
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("Connection: keep-alive\r\n"), "{text}");
        assert!(text.contains("Content-Length: 0\r\n"), "{text}");
    }
}
