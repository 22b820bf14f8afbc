//! Chapter 06: answer properly. Every answer is a `Response` with a status line,
//! `Content-Type`, `Content-Length`, `Date` and `Server`, written in one piece; HEAD gets
//! the headers without the body; bad input gets the right status code (400, 405, 413,
//! 431, 505) instead of a blanket 400. Still one connection at a time.
#![forbid(unsafe_code)]

mod error;
mod handler;
mod request;
mod response;
mod server;

use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;

use clap::Parser;

/// Serve a home page and answer every request with a proper HTTP response.
#[derive(Parser, Debug)]
#[command(name = "chapter06", version)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let listener = match TcpListener::bind(args.addr) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = announce(&listener) {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    server::run(listener);
    ExitCode::SUCCESS
}

/// Prints the ready line with the address actually bound (port 0 means "any free port")
/// and flushes, because a pipe (a test, a script) would otherwise hold it back.
fn announce(listener: &TcpListener) -> io::Result<()> {
    println!("Listening on http://{}", listener.local_addr()?);
    io::stdout().flush()
}
