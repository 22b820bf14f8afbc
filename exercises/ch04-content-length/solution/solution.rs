//! Reference solution for ch04-content-length.

/// The complete response for `body`, ready to write to a socket.
pub fn html_response(body: &str) -> Vec<u8> {
    // `str::len` is the length in bytes of the UTF-8 encoding: exactly what goes on
    // the wire after the blank line, so exactly what the client must read.
    let length = body.len();
    let head = format!(
        "HTTP/1.1 200 OK\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         Content-Length: {length}\r\n\
         Connection: close\r\n\
         \r\n"
    );
    let mut response = head.into_bytes();
    response.extend_from_slice(body.as_bytes());
    response
}
