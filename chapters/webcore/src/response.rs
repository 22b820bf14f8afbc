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
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status.code, self.status.reason);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        // Content-Length is the body's length even for HEAD: it tells the client what
        // a GET would have sent.
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        head.push_str(&format!("Date: {}\r\n", httpdate::fmt_http_date(now)));
        head.push_str(&format!("Server: {SERVER_NAME}\r\n"));
        let connection = if keep_alive { "keep-alive" } else { "close" };
        head.push_str(&format!("Connection: {connection}\r\n\r\n"));

        let mut bytes = head.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
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
