//! A response as a value, and the one function that turns it into bytes.

use std::time::SystemTime;

// ANCHOR: status
/// A status code and the reason phrase that goes with it on the status line.
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
    pub const PAYLOAD_TOO_LARGE: Status = Status::new(413, "Content Too Large");
    pub const UNSUPPORTED_MEDIA_TYPE: Status = Status::new(415, "Unsupported Media Type");
    pub const HEADERS_TOO_LARGE: Status = Status::new(431, "Request Header Fields Too Large");
    pub const NOT_IMPLEMENTED: Status = Status::new(501, "Not Implemented");
    pub const VERSION_NOT_SUPPORTED: Status = Status::new(505, "HTTP Version Not Supported");

    pub const fn new(code: u16, reason: &'static str) -> Status {
        Status { code, reason }
    }
}
// ANCHOR_END: status

// ANCHOR: response
/// Everything an answer needs before it becomes bytes. `Content-Length`, `Date`,
/// `Server` and `Connection` are added by [`Response::to_bytes`], so no handler can
/// forget them or get the length wrong.
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

    /// Sets the body and the `Content-Type` that says how to read it.
    pub fn body(self, content_type: &str, bytes: impl Into<Vec<u8>>) -> Response {
        let mut response = self.header("Content-Type", content_type);
        response.body = bytes.into();
        response
    }

    /// An HTML page.
    pub fn html(status: Status, html: &str) -> Response {
        Response::new(status).body("text/html; charset=utf-8", html)
    }

    /// A plain-text message.
    pub fn text(status: Status, text: &str) -> Response {
        Response::new(status).body("text/plain; charset=utf-8", text)
    }
}
// ANCHOR_END: response

// ANCHOR: to_bytes
impl Response {
    /// The whole response, status line to last body byte, in one buffer, so the caller
    /// can send it with one `write_all`. For HEAD (`head_only`) the headers describe
    /// the body, `Content-Length` included, but the body itself is left out.
    pub fn to_bytes(&self, head_only: bool) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status.code, self.status.reason);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        head.push_str(&format!(
            "Date: {}\r\n",
            httpdate::fmt_http_date(SystemTime::now())
        ));
        head.push_str("Server: homebrew-workbook\r\n");
        // We close after every answer; saying so lets the client stop waiting at once.
        head.push_str("Connection: close\r\n\r\n");

        let mut bytes = head.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}
// ANCHOR_END: to_bytes

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_has_every_required_header_and_the_body_last() {
        let bytes = Response::text(Status::OK, "hi\n").to_bytes(false);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        for header in [
            "Content-Type: text/plain; charset=utf-8\r\n",
            "Content-Length: 3\r\n",
            "Date: ",
            "Server: homebrew-workbook\r\n",
            "Connection: close\r\n",
        ] {
            assert!(text.contains(header), "missing {header:?} in {text}");
        }
        assert!(text.ends_with("\r\n\r\nhi\n"), "{text}");
    }

    #[test]
    fn head_keeps_the_length_and_drops_the_body() {
        let response = Response::html(Status::OK, "<p>hello</p>");
        let text = String::from_utf8(response.to_bytes(true)).unwrap();
        assert!(text.contains("Content-Length: 12\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\n"), "{text}");
    }
}
