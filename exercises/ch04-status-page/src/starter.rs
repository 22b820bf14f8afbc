//! Exercise ch04-status-page
//!
//! Chapter 04 answers every request with the same page. Make it look at what was asked:
//! the path `/` gets `200 OK` and the home page; any other path gets `404 Not Found`
//! and a small HTML page saying so. Read only the request line (the first line of the
//! request): it holds the path, and nothing after it changes the answer.
//!
//! Judge your attempt with `cargo run -p ch04-status-page`.

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Answers one connection: reads the request line, writes a response, returns.
// ANCHOR: starter
pub fn serve_one(stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    // `BufReader` gathers bytes until the end of the line; `&TcpStream` reads too,
    // which leaves `stream` free for writing the answer.
    let mut request_line = String::new();
    BufReader::new(&stream).read_line(&mut request_line)?;

    // TODO: answer `/` with the page below and every other path with a 404 page.
    let _ = request_line;
    let response = page("200 OK", "Home", "Welcome to the home page.");
    (&stream).write_all(&response)
}
// ANCHOR_END: starter

/// A complete response: `status` (such as `200 OK`) and a small HTML page.
pub fn page(status: &str, title: &str, text: &str) -> Vec<u8> {
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n\
         <body><h1>{title}</h1><p>{text}</p></body></html>\n"
    );
    let head = format!(
        "HTTP/1.1 {status}\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\n\
         Connection: close\r\n\
         \r\n",
        body.len()
    );
    [head.into_bytes(), body.into_bytes()].concat()
}
