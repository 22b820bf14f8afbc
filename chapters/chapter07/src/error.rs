//! What can be wrong with a request, and the status code each problem gets.

use std::fmt;

use crate::response::{Response, Status};

// ANCHOR: http_error
/// A request we refuse to handle. Every variant becomes a status code; nothing a
/// client sends may panic the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// The bytes are not a well-formed HTTP/1.x request (400). The text says what was
    /// wrong and goes into the answer, so a reader with `nc` sees why.
    BadRequest(&'static str),
    /// The request line and headers exceed `Limits::max_head_bytes` (431).
    HeadersTooLarge,
    /// `Content-Length` exceeds `Limits::max_body_bytes` (413). We know it from the
    /// head alone, so the body is never read.
    BodyTooLarge,
    /// A well-formed version we do not speak, such as `HTTP/2.0` (505).
    VersionNotSupported,
    /// Something valid that this server does not do: a `Transfer-Encoding` body
    /// (chunked uploads) when we only read `Content-Length` bodies (501).
    NotImplemented(&'static str),
}

impl HttpError {
    pub fn status(&self) -> Status {
        match self {
            HttpError::BadRequest(_) => Status::BAD_REQUEST,
            HttpError::HeadersTooLarge => Status::HEADERS_TOO_LARGE,
            HttpError::BodyTooLarge => Status::PAYLOAD_TOO_LARGE,
            HttpError::VersionNotSupported => Status::VERSION_NOT_SUPPORTED,
            HttpError::NotImplemented(_) => Status::NOT_IMPLEMENTED,
        }
    }

    /// A short plain-text answer that names the problem.
    pub fn into_response(self) -> Response {
        Response::text(self.status(), &format!("{self}\n"))
    }
}
// ANCHOR_END: http_error

impl fmt::Display for HttpError {
    /// `400 Bad Request: malformed header name`: the status line, then why.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status();
        write!(f, "{} {}", status.code, status.reason)?;
        let why = match self {
            HttpError::BadRequest(why) | HttpError::NotImplemented(why) => why,
            HttpError::HeadersTooLarge => "the request line and headers exceed 8 KiB",
            HttpError::BodyTooLarge => "the body may be at most 1 MiB",
            HttpError::VersionNotSupported => "this server speaks HTTP/1.0 and HTTP/1.1",
        };
        write!(f, ": {why}")
    }
}
