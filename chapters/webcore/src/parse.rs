//! Bytes in, a request out, and no socket in sight.
//!
//! [`parse_request`] looks at whatever bytes have arrived so far and answers one of
//! three things: here is a whole request (and how many bytes it used), I need more
//! bytes ([`Parsed::Incomplete`]), or this can never become a valid request (an
//! [`HttpError`]). Whoever owns the socket decides how to get more bytes: a blocking
//! `read`, a mio readiness event, a tokio `.await`.

use crate::error::HttpError;
use crate::limits::Limits;
use crate::request::{Request, Version};

/// Headers we accept per request. A browser sends a dozen; more than 64 is an attack
/// or a bug, and gets 431 like an oversized head.
const MAX_HEADERS: usize = 64;

/// What the bytes so far amount to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A whole request. `consumed` bytes of the buffer belong to it; anything after
    /// them is the start of the next request (pipelining, chapter 18).
    Complete { request: Request, consumed: usize },
    /// Valid so far, but the head or the body is not all there yet: read more.
    Incomplete,
}

// ANCHOR: parse_request
/// Parses the request at the start of `buf`.
///
/// Call it again with a longer buffer after `Incomplete`; it re-parses from the start,
/// which costs little for heads of a few hundred bytes and keeps no state between calls.
pub fn parse_request(buf: &[u8], limits: &Limits) -> Result<Parsed, HttpError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut head = httparse::Request::new(&mut headers);
    let head_len = match head.parse(buf) {
        Ok(httparse::Status::Complete(len)) if len > limits.max_head_bytes => {
            return Err(HttpError::HeadersTooLarge);
        }
        Ok(httparse::Status::Complete(len)) => len,
        // Not all there yet. Stop waiting once the head could no longer fit the limit.
        Ok(httparse::Status::Partial) if buf.len() > limits.max_head_bytes => {
            return Err(HttpError::HeadersTooLarge);
        }
        Ok(httparse::Status::Partial) => return Ok(Parsed::Incomplete),
        Err(e) => return Err(head_error(e, buf)),
    };

    let body_len = content_length(head.headers)?;
    if body_len > limits.max_body_bytes {
        // Answer 413 now, from the head alone: never buffer a body we will refuse.
        return Err(HttpError::BodyTooLarge);
    }
    let consumed = head_len + body_len;
    if buf.len() < consumed {
        return Ok(Parsed::Incomplete);
    }
    let request = build(&head, buf[head_len..consumed].to_vec())?;
    Ok(Parsed::Complete { request, consumed })
}
// ANCHOR_END: parse_request

/// The body's length from `Content-Length` (0 without one).
fn content_length(headers: &[httparse::Header<'_>]) -> Result<usize, HttpError> {
    let mut length = None;
    for header in headers {
        if header.name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(HttpError::NotImplemented(
                "Transfer-Encoding request bodies are not supported; send Content-Length",
            ));
        }
        if !header.name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        // Digits only: `+5`, `5 `, `0x10` and `-1` are all refused, because two servers
        // that disagree on a body's length disagree on where the next request starts.
        let value = std::str::from_utf8(header.value)
            .ok()
            .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
            .ok_or(HttpError::BadRequest("Content-Length is not a number"))?;
        let value: usize = value.parse().map_err(|_| HttpError::BodyTooLarge)?;
        if length.is_some_and(|previous| previous != value) {
            return Err(HttpError::BadRequest(
                "two different Content-Length headers",
            ));
        }
        length = Some(value);
    }
    Ok(length.unwrap_or(0))
}

/// Copies the borrowed head into an owned [`Request`].
fn build(head: &httparse::Request<'_, '_>, body: Vec<u8>) -> Result<Request, HttpError> {
    // httparse fills these in whenever it returns `Complete`.
    let missing = HttpError::BadRequest("incomplete request line");
    let method = head.method.ok_or(missing.clone())?.to_string();
    let target = head.path.ok_or(missing.clone())?.to_string();
    let version = match head.version.ok_or(missing)? {
        0 => Version::Http10,
        _ => Version::Http11,
    };
    // Origin form (`/path?query`) is what browsers and curl send to a server. The other
    // forms (`http://host/path` for proxies, `*` for `OPTIONS`) are not ours to serve,
    // and `index.html` is no form at all: a malformed request, not a forbidden path.
    if !target.starts_with('/') {
        return Err(HttpError::BadRequest(
            "the request target must start with /",
        ));
    }
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_string(), Some(query.to_string())),
        None => (target.clone(), None),
    };
    let headers = head
        .headers
        .iter()
        .map(|h| {
            // Header values may carry Latin-1 bytes (obs-text); keep them readable
            // instead of refusing the request.
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    Ok(Request {
        method,
        target,
        path,
        query,
        version,
        headers,
        body,
    })
}

/// Turns httparse's complaint into ours. httparse says `Version` both for `HTTP/2.0`
/// (a real version we do not speak: 505) and for garbage where the version should be
/// (400), so look at what was actually sent.
fn head_error(error: httparse::Error, buf: &[u8]) -> HttpError {
    match error {
        httparse::Error::TooManyHeaders => HttpError::HeadersTooLarge,
        httparse::Error::Version if names_an_http_version(buf) => HttpError::VersionNotSupported,
        httparse::Error::Version => HttpError::BadRequest("malformed request line"),
        httparse::Error::Token => HttpError::BadRequest("malformed request line"),
        httparse::Error::HeaderName | httparse::Error::HeaderValue => {
            HttpError::BadRequest("malformed header line")
        }
        _ => HttpError::BadRequest("malformed request"),
    }
}

/// Whether the request line is `METHOD TARGET HTTP/<digit>.<digit>`: exactly three
/// parts, the last one a version. `GET /hello world.txt HTTP/1.1` also ends in a
/// version, but a raw space in the target makes it four parts: malformed (400), not
/// a version we do not speak (505).
fn names_an_http_version(buf: &[u8]) -> bool {
    let line_end = buf
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(buf.len());
    let line = &buf[..line_end];
    let parts: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    matches!(parts[..], [_, _, [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]]
        if major.is_ascii_digit() && minor.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<Parsed, HttpError> {
        parse_request(bytes, &Limits::default())
    }

    fn complete(bytes: &[u8]) -> (Request, usize) {
        match parse(bytes) {
            Ok(Parsed::Complete { request, consumed }) => (request, consumed),
            other => panic!("expected a complete request from {bytes:?}, got {other:?}"),
        }
    }

    #[test]
    fn parses_a_get_with_query_and_headers() {
        let raw = b"GET /parameters?a=1&b=2 HTTP/1.1\r\nHost: x\r\nX-Thing: A b\r\n\r\n";
        let (request, consumed) = complete(raw);
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/parameters?a=1&b=2");
        assert_eq!(request.path, "/parameters");
        assert_eq!(request.query.as_deref(), Some("a=1&b=2"));
        assert_eq!(request.version, Version::Http11);
        assert_eq!(request.header("x-thing"), Some("A b"));
        assert_eq!(request.header("HOST"), Some("x"));
        assert!(request.body.is_empty());
        assert_eq!(consumed, raw.len());
    }

    #[test]
    fn every_split_point_is_incomplete_until_the_last_byte() {
        let raw: &[u8] =
            b"POST /parameters HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nname=a%20b!";
        for end in 0..raw.len() {
            assert_eq!(
                parse(&raw[..end]),
                Ok(Parsed::Incomplete),
                "after {end} bytes: {:?}",
                String::from_utf8_lossy(&raw[..end])
            );
        }
        let (request, consumed) = complete(raw);
        assert_eq!(consumed, raw.len());
        assert_eq!(request.version, Version::Http10);
        assert_eq!(request.body, b"name=a%20b!");
    }

    #[test]
    fn bytes_after_a_request_are_left_for_the_next_one() {
        let raw = b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
        let (request, consumed) = complete(raw);
        assert_eq!(request.path, "/a");
        let (next, _) = complete(&raw[consumed..]);
        assert_eq!(next.path, "/b");
    }

    #[test]
    fn malformed_requests_are_400() {
        for raw in [
            &b"GET\r\n\r\n"[..],
            b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
            b"GET / FTP/1.1\r\n\r\n",
            b"G(T / HTTP/1.1\r\n\r\n",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
            b"GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            // A raw space in the target: four parts, not a version we do not speak.
            b"GET /hello world.txt HTTP/1.1\r\n\r\n",
            b"GET /hello world.txt HTTP/2.0\r\n\r\n",
            // A target that is not a path: no leading slash, absolute form, `*`.
            b"GET index.html HTTP/1.1\r\n\r\n",
            b"GET http://example.com/ HTTP/1.1\r\n\r\n",
            b"OPTIONS * HTTP/1.1\r\n\r\n",
        ] {
            let result = parse(raw);
            assert!(
                matches!(result, Err(HttpError::BadRequest(_))),
                "{:?} gave {result:?}",
                String::from_utf8_lossy(raw)
            );
        }
    }

    #[test]
    fn other_versions_are_505() {
        for raw in [&b"GET / HTTP/2.0\r\n\r\n"[..], b"GET / HTTP/1.2\r\n\r\n"] {
            assert_eq!(parse(raw), Err(HttpError::VersionNotSupported));
        }
    }

    #[test]
    fn an_oversized_head_is_431_even_before_it_ends() {
        let mut raw = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
        raw.extend(std::iter::repeat_n(b'a', 9000));
        assert_eq!(parse(&raw), Err(HttpError::HeadersTooLarge));
        raw.extend_from_slice(b"\r\n\r\n");
        assert_eq!(parse(&raw), Err(HttpError::HeadersTooLarge));
    }

    #[test]
    fn too_many_headers_is_431() {
        let mut raw = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..100 {
            raw.extend_from_slice(format!("X-{i}: y\r\n").as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
        assert_eq!(parse(&raw), Err(HttpError::HeadersTooLarge));
    }

    #[test]
    fn an_oversized_body_is_413_from_the_head_alone() {
        let raw = b"POST /parameters HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n";
        assert_eq!(parse(raw), Err(HttpError::BodyTooLarge));
        let raw = b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n";
        assert_eq!(parse(raw), Err(HttpError::BodyTooLarge));
    }

    #[test]
    fn chunked_uploads_are_501() {
        let raw = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        assert!(matches!(parse(raw), Err(HttpError::NotImplemented(_))));
    }
}
