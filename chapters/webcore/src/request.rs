//! A parsed request: owned strings, so it outlives the buffer it came from.

use std::fmt;

/// The two HTTP versions we speak. Anything else is answered with 505.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        })
    }
}

/// One HTTP request, head and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, … exactly as sent (methods are case-sensitive).
    pub method: String,
    /// The request target as sent: `/parameters?a=1`.
    pub target: String,
    /// The target up to `?`, still percent-encoded: `/parameters`.
    pub path: String,
    /// The target after `?`, still percent-encoded: `a=1`.
    pub query: Option<String>,
    pub version: Version,
    /// Header names and values in the order they came; names keep the client's case.
    pub headers: Vec<(String, String)>,
    /// Exactly `Content-Length` bytes (empty without one).
    pub body: Vec<u8>,
}

impl Request {
    /// The first header called `name`, compared case-insensitively as HTTP requires.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A HEAD request gets the headers a GET would get, and no body.
    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }
}
