//! Thread per connection, one request per connection, std only: the design of the
//! early chapters at its smallest, to show what opening a connection per request costs.
#![forbid(unsafe_code)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

/// Answer one request per connection with the same 1 KiB, on a thread per connection.
#[derive(Parser, Debug)]
#[command(name = "minimal-threads")]
struct Args {
    /// Address to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

fn main() -> io::Result<()> {
    let args = Args::parse();
    let listener = TcpListener::bind(args.addr)?;
    peers::announce(listener.local_addr()?);
    let response: Arc<[u8]> = peers::canned_response(true).into();
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let response = Arc::clone(&response);
                std::thread::spawn(move || answer_once(stream, &response));
            }
            // A client gone before accept, or out of file descriptors: go on.
            Err(e) => eprintln!("accept: {e}"),
        }
    }
    Ok(())
}

/// Reads until the head is complete, writes the answer, closes. A client that sends
/// nothing costs a thread for ten seconds, not forever.
fn answer_once(mut stream: TcpStream, response: &[u8]) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut input = Vec::new();
    let mut chunk = [0u8; 4096];
    while peers::head_end(&input).is_none() {
        if input.len() > 64 * 1024 {
            return Ok(()); // not HTTP: no answer
        }
        match stream.read(&mut chunk)? {
            0 => return Ok(()),
            n => input.extend_from_slice(&chunk[..n]),
        }
    }
    stream.write_all(response)
}
