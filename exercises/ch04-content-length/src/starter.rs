//! Exercise ch04-content-length
//!
//! Chapter 04 answers with one fixed page. Here you build the response for *any* HTML
//! body: status line `HTTP/1.1 200 OK`, then `Content-Type: text/html; charset=utf-8`,
//! `Content-Length: N` and `Connection: close` (in that order, each ending in `\r\n`),
//! a blank line, and the body. `N` must tell the client exactly where the body ends,
//! for English text and for any other UTF-8 text alike.
//!
//! Judge your attempt with `cargo run -p ch04-content-length`.

/// The complete response for `body`, ready to write to a socket.
// ANCHOR: starter
pub fn html_response(body: &str) -> Vec<u8> {
    // TODO: is this the count a client needs? Try a body with `é` or `—` in it.
    let length = body.chars().count();
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
// ANCHOR_END: starter
