//! Reference solution for ch06-status-line.

/// The status line for `code`, with its `\r\n`, or `None` for a number that is not a
/// status code.
pub fn status_line(code: u16) -> Option<String> {
    if !(100..=599).contains(&code) {
        return None;
    }
    Some(format!("HTTP/1.1 {code} {}\r\n", reason(code)))
}

/// RFC 9110's reason phrases for the codes this workbook meets.
fn reason(code: u16) -> &'static str {
    match code {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        // The reason phrase is optional; clients must not depend on it.
        _ => "",
    }
}
