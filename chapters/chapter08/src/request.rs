//! A request as the rest of the server sees it, and the function that turns bytes into
//! one: [`parse_request`]. It never touches a socket, so it can be tested with plain byte
//! strings and reused unchanged by every later chapter.

use std::fmt;

use crate::error::HttpError;

// ANCHOR: limits
/// How big a request may be. Without limits one client could make the read buffer
/// grow until the machine runs out of memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Request line plus headers plus the blank line (431 beyond it). 8 KiB is what
    /// nginx and Apache allow by default; browsers stay far below it.
    pub max_head_bytes: usize,
    /// The declared `Content-Length` (413 beyond it). Our forms send a few hundred bytes.
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_head_bytes: 8 * 1024,
            max_body_bytes: 1024 * 1024,
        }
    }
}
// ANCHOR_END: limits

/// How many headers one request may carry. `httparse` fills a fixed array instead of
/// allocating; 64 is more than any browser sends (Chrome sends about 15).
const MAX_HEADERS: usize = 64;

// ANCHOR: request
/// One parsed HTTP request. Everything is owned, so it outlives the read buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, … exactly as sent (methods are case-sensitive).
    pub method: String,
    /// The request target as sent: `/search?q=rust`.
    pub target: String,
    /// The target up to the first `?`, still percent-encoded: `/search`.
    pub path: String,
    /// What follows the first `?`, if there is one: `q=rust`.
    pub query: Option<String>,
    pub version: Version,
    /// Header names and values in the order they arrived.
    pub headers: Vec<(String, String)>,
    /// Exactly `Content-Length` bytes (empty when there is no such header).
    pub body: Vec<u8>,
}
// ANCHOR_END: request

/// The two HTTP versions a request line may carry here.
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

impl Request {
    /// The first header called `name`, compared case-insensitively as HTTP requires
    /// (`content-length` and `Content-Length` are the same header).
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

// ANCHOR: parsed
/// What a buffer holds so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A whole request: its head and all `Content-Length` bytes of its body.
    /// `consumed` says how many bytes of the buffer it used.
    Complete { request: Request, consumed: usize },
    /// Not enough bytes yet: read more and call again.
    Incomplete,
}
// ANCHOR_END: parsed

// ANCHOR: parse_request
/// Parses the request at the start of `buf`, or says that more bytes are needed.
///
/// Call it again with the grown buffer after every `read`: a request may arrive in
/// any number of pieces, and the answer only depends on the bytes, not on how they
/// were split.
pub fn parse_request(buf: &[u8], limits: &Limits) -> Result<Parsed, HttpError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut head = httparse::Request::new(&mut headers);
    let head_len = match head.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        // The blank line that ends the head has not arrived yet, so every byte so far
        // belongs to the head: stop as soon as there are too many.
        Ok(httparse::Status::Partial) if buf.len() > limits.max_head_bytes => {
            return Err(HttpError::HeadersTooLarge);
        }
        Ok(httparse::Status::Partial) => return Ok(Parsed::Incomplete),
        Err(error) => return Err(syntax_error(error, buf)),
    };
    if head_len > limits.max_head_bytes {
        return Err(HttpError::HeadersTooLarge);
    }

    // The head is all there. Is the body? Refuse an oversized one before reading it:
    // the length is declared up front, so there is no need to receive a byte of it.
    let body_len = content_length(head.headers)?;
    if body_len > limits.max_body_bytes {
        return Err(HttpError::BodyTooLarge);
    }
    let end = head_len
        .checked_add(body_len)
        .ok_or(HttpError::BadRequest("Content-Length is too large"))?;
    let Some(body) = buf.get(head_len..end) else {
        return Ok(Parsed::Incomplete);
    };

    let request = build_request(&head, body)?;
    Ok(Parsed::Complete {
        request,
        consumed: end,
    })
}
// ANCHOR_END: parse_request

/// Copies what `httparse` found (slices of the buffer) into an owned [`Request`].
fn build_request(head: &httparse::Request<'_, '_>, body: &[u8]) -> Result<Request, HttpError> {
    // A complete parse always fills these three; the errors are only for the types.
    let method = head.method.ok_or(HttpError::BadRequest("no method"))?;
    let target = head
        .path
        .ok_or(HttpError::BadRequest("no request target"))?;
    let version = match head.version {
        Some(0) => Version::Http10,
        Some(1) => Version::Http11,
        _ => return Err(HttpError::BadRequest("unsupported HTTP version")),
    };
    // Origin form (`/path?query`) is what browsers and curl send to a server. The other
    // forms (`http://host/path` for proxies, `*` for OPTIONS) are not ours to serve.
    if !target.starts_with('/') {
        return Err(HttpError::BadRequest(
            "the request target must start with /",
        ));
    }
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query.to_string())),
        None => (target, None),
    };
    let headers = head
        .headers
        .iter()
        // Header values are bytes; nearly always ASCII. Anything else is kept, lossily,
        // rather than refused: it is the client's text, not our framing.
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        path: path.to_string(),
        query,
        version,
        headers,
        body: body.to_vec(),
    })
}

// ANCHOR: content_length
/// How many body bytes follow the head: the `Content-Length` header, or 0.
fn content_length(headers: &[httparse::Header<'_>]) -> Result<usize, HttpError> {
    let mut length = None;
    for header in headers {
        if header.name.eq_ignore_ascii_case("transfer-encoding") {
            // Chunked bodies need a decoder we do not have. Guessing would let the
            // client and us disagree about where the request ends.
            return Err(HttpError::NotImplemented(
                "Transfer-Encoding is not supported; send Content-Length",
            ));
        }
        if !header.name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        // Digits only: `str::parse` would also accept `+5`, which other servers reject,
        // and two servers disagreeing about a length is how requests get smuggled.
        let value = header.value;
        if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
            return Err(HttpError::BadRequest("Content-Length is not a number"));
        }
        let parsed: usize = std::str::from_utf8(value)
            .ok()
            .and_then(|text| text.parse().ok())
            .ok_or(HttpError::BadRequest("Content-Length is too large"))?;
        if length.is_some_and(|previous| previous != parsed) {
            return Err(HttpError::BadRequest(
                "two different Content-Length headers",
            ));
        }
        length = Some(parsed);
    }
    Ok(length.unwrap_or(0))
}
// ANCHOR_END: content_length

/// Turns `httparse`'s complaint into a status code with a reason a person understands.
fn syntax_error(error: httparse::Error, buf: &[u8]) -> HttpError {
    HttpError::BadRequest(match error {
        httparse::Error::Version if names_another_http_version(buf) => {
            return HttpError::VersionNotSupported;
        }
        httparse::Error::TooManyHeaders => return HttpError::HeadersTooLarge,
        httparse::Error::Token => "malformed request line",
        httparse::Error::Version => "malformed HTTP version",
        httparse::Error::HeaderName => "malformed header name",
        httparse::Error::HeaderValue => "malformed header value",
        httparse::Error::NewLine => "a line does not end in CRLF",
        httparse::Error::Status => "malformed request",
    })
}

// ANCHOR: version_check
/// Whether the request line is `METHOD TARGET VERSION` with a well-formed version that
/// is not 1.0 or 1.1, such as `HTTP/2.0` or `HTTP/1.2`: that deserves 505, while
/// `HTPT/1.1` is just a malformed request (400). `httparse` reports both as the same
/// error. So does `GET /a b HTTP/1.1`: it ends in a version, but the raw space in the
/// target makes four parts instead of three, and that is malformed too.
fn names_another_http_version(buf: &[u8]) -> bool {
    let line_end = buf.iter().position(|&b| b == b'\r' || b == b'\n');
    let line = &buf[..line_end.unwrap_or(buf.len())];
    let parts: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    let [_, _, version] = parts[..] else {
        return false;
    };
    match version.strip_prefix(b"HTTP/") {
        Some(number) => {
            number.first().is_some_and(u8::is_ascii_digit)
                && number.iter().all(|&b| b.is_ascii_digit() || b == b'.')
        }
        None => false,
    }
}
// ANCHOR_END: version_check

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(buf: &[u8]) -> (Request, usize) {
        match parse_request(buf, &Limits::default()) {
            Ok(Parsed::Complete { request, consumed }) => (request, consumed),
            other => panic!("expected a complete request, got {other:?}"),
        }
    }

    #[test]
    fn parses_a_get() {
        let raw = b"GET /search?q=rust HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n";
        let (request, consumed) = complete(raw);
        assert_eq!(consumed, raw.len());
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/search?q=rust");
        assert_eq!(request.path, "/search");
        assert_eq!(request.query.as_deref(), Some("q=rust"));
        assert_eq!(request.version, Version::Http11);
        assert_eq!(request.header("host"), Some("localhost"));
        assert_eq!(request.headers.len(), 2);
        assert!(request.body.is_empty());
    }

    #[test]
    fn every_prefix_is_incomplete_and_the_whole_is_complete() {
        let raw = b"POST /form HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello";
        for end in 0..raw.len() {
            assert_eq!(
                parse_request(&raw[..end], &Limits::default()),
                Ok(Parsed::Incomplete),
                "prefix of {end} bytes"
            );
        }
        let (request, _) = complete(raw);
        assert_eq!(request.body, b"hello");
        assert_eq!(request.version, Version::Http10);
    }

    #[test]
    fn bytes_after_the_body_are_not_consumed() {
        let raw = b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nokGET / HTTP/1.1\r\n";
        let (request, consumed) = complete(raw);
        assert_eq!(request.body, b"ok");
        assert_eq!(&raw[consumed..], b"GET / HTTP/1.1\r\n");
    }

    #[test]
    fn malformed_input_is_a_bad_request() {
        for raw in [
            &b"GET / HTTP/1.1\r\nContent-Length: +5\r\n\r\n"[..],
            b"GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
            b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
            b"GET http://example.com/ HTTP/1.1\r\n\r\n",
            b"GET / HTPT/1.1\r\n\r\n",
            b"\x00\x01\x02\r\n\r\n",
            b"GET  / HTTP/1.1\r\n\r\n",
            b"GET /hello world.txt HTTP/1.1\r\n\r\n",
            b"GET index.html HTTP/1.1\r\n\r\n",
        ] {
            assert!(
                matches!(
                    parse_request(raw, &Limits::default()),
                    Err(HttpError::BadRequest(_))
                ),
                "{:?} should be refused",
                String::from_utf8_lossy(raw)
            );
        }
    }

    #[test]
    fn other_versions_get_505() {
        for raw in [
            &b"GET / HTTP/2.0\r\n\r\n"[..],
            b"GET / HTTP/1.2\r\n\r\n",
            b"GET / HTTP/3",
        ] {
            assert_eq!(
                parse_request(raw, &Limits::default()),
                Err(HttpError::VersionNotSupported),
                "{:?}",
                String::from_utf8_lossy(raw)
            );
        }
    }

    #[test]
    fn limits_are_enforced_before_the_body_arrives() {
        let limits = Limits {
            max_head_bytes: 64,
            max_body_bytes: 10,
        };
        let long_head = format!("GET / HTTP/1.1\r\nX-Long: {}", "a".repeat(100));
        assert_eq!(
            parse_request(long_head.as_bytes(), &limits),
            Err(HttpError::HeadersTooLarge)
        );
        let big_body = b"POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n";
        assert_eq!(
            parse_request(big_body, &limits),
            Err(HttpError::BodyTooLarge)
        );
        let fits = b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n";
        assert_eq!(parse_request(fits, &limits), Ok(Parsed::Incomplete));
    }
}
