//! Chapter 05: a server that reads a whole HTTP request, however many `read`s it takes,
//! parses it with `httparse`, and answers with what it understood. One connection at a
//! time: accept, read until the request is complete, answer, close.
#![forbid(unsafe_code)]

mod error;
mod request;
mod server;

use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;

use clap::Parser;

/// Parse HTTP requests and answer with what was understood.
#[derive(Parser, Debug)]
#[command(name = "chapter05", version)]
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
