//! Everything that can be wrong with a request, each with the status code it earns.

use std::fmt;

use crate::response::{Response, Status};

/// A request we refuse. Every variant maps to one status code; none of them is a
/// reason for the server to stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// Malformed request line, header or `Content-Length` (400). The text says what.
    BadRequest(&'static str),
    /// The head is over `Limits::max_head_bytes`, or has too many headers (431).
    HeadersTooLarge,
    /// `Content-Length` is over `Limits::max_body_bytes` (413).
    BodyTooLarge,
    /// `HTTP/2.0`, `HTTP/1.2`, … (505).
    VersionNotSupported,
    /// `Transfer-Encoding` (chunked uploads): we only read `Content-Length` bodies (501).
    NotImplemented(&'static str),
    /// The client did not finish its request before the deadline (408).
    Timeout,
}

impl HttpError {
    pub fn status(&self) -> Status {
        match self {
            HttpError::BadRequest(_) => Status::BAD_REQUEST,
            HttpError::HeadersTooLarge => Status::HEADERS_TOO_LARGE,
            HttpError::BodyTooLarge => Status::PAYLOAD_TOO_LARGE,
            HttpError::VersionNotSupported => Status::VERSION_NOT_SUPPORTED,
            HttpError::NotImplemented(_) => Status::NOT_IMPLEMENTED,
            HttpError::Timeout => Status::REQUEST_TIMEOUT,
        }
    }

    /// A short plain-text answer: the status line says it all, the body says why.
    pub fn into_response(self) -> Response {
        Response::text(self.status(), &format!("{self}\n"))
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status();
        write!(f, "{} {}", status.code, status.reason)?;
        match self {
            HttpError::BadRequest(why) | HttpError::NotImplemented(why) => write!(f, ": {why}"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for HttpError {}
