//! Reference solution for ch04-status-page.

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Answers one connection: reads the request line, writes a response, returns.
pub fn serve_one(stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    // `BufReader` gathers bytes until the end of the line; `&TcpStream` reads too,
    // which leaves `stream` free for writing the answer.
    let mut request_line = String::new();
    BufReader::new(&stream).read_line(&mut request_line)?;

    // `GET /path HTTP/1.1`: the path is the second of three space-separated parts.
    // A line without one (garbage, or nothing at all) finds no page either.
    let path = request_line.split(' ').nth(1);
    let response = if path == Some("/") {
        page("200 OK", "Home", "Welcome to the home page.")
    } else {
        page(
            "404 Not Found",
            "Not Found",
            "There is no page at this address.",
        )
    };
    (&stream).write_all(&response)
}

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
