//! Reference solution for ch05-request-line.

use crate::given::{LineError, RequestLine};

/// Splits a request line into method, target and version.
pub fn parse_request_line(line: &str) -> Result<RequestLine, LineError> {
    if line.is_empty() {
        return Err(LineError::Empty);
    }
    // `split(' ')`, not `split_whitespace`: two spaces make an empty part, which is
    // exactly the malformed line we must refuse.
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(LineError::WrongParts);
    };
    if [method, target, version].iter().any(|part| part.is_empty()) {
        return Err(LineError::WrongParts);
    }
    if !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(LineError::BadMethod);
    }
    if !target.starts_with('/') {
        return Err(LineError::BadTarget);
    }
    if version != "HTTP/1.0" && version != "HTTP/1.1" {
        return Err(LineError::BadVersion);
    }
    Ok(RequestLine {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
    })
}
