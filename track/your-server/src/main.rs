//! Your own web server: the build-your-own track (book: "Appendix: build your own").
//!
//! This file is yours. Grow it, stage by stage, into a server that keeps the contract
//! every chapter of the book keeps (CONTRACT.md). Judge it with
//!
//!     cargo run -p build-your-own -- --stage 04
//!
//! which builds this package, starts it the way the book's tests start a chapter, and runs
//! every check up to that stage. Each failure comes with the request to replay by hand and
//! the page of the book to read. Then go on to the next stage it names:
//!
//!     04 respond · 05 parse · 06 answer properly · 07 files safely · 08 pages ·
//!     10 survive bad input and slow clients · 13 concurrency · 16 a limit · 18 keep-alive
//!
//! `cargo run -p build-your-own -- progress` shows where you are, exercises included.
//!
//! What is here already is what every stage needs: `--addr` (port 0 picks a free port)
//! and the ready line the checker waits for. Later stages start your server with more
//! flags (`--root DIR` from 07, `--idle-timeout SECS` from 10, `--max-connections N` at
//! 16): accept them when you get there. Split the code into modules as it grows, and add
//! the workspace's crates you choose to Cargo.toml.
#![forbid(unsafe_code)]

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;

use clap::Parser;

/// Your own web server.
#[derive(Parser, Debug)]
#[command(name = "your-server", version)]
struct Args {
    /// Address to listen on; port 0 lets the system pick a free port.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let listener = match TcpListener::bind(args.addr) {
        Ok(listener) => listener,
        Err(e) => {
            // The contract: a start-up failure is one `error: ` line and exit code 1.
            eprintln!("error: cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    // The ready line, with the address actually bound (the port 0 picked), flushed at
    // once: the checker waits for it before it sends anything.
    match listener.local_addr() {
        Ok(addr) => println!("Listening on http://{addr}"),
        Err(e) => {
            eprintln!("error: the listening socket has no address: {e}");
            return ExitCode::FAILURE;
        }
    }
    let _ = std::io::stdout().flush();

    // TODO (stage 04, respond): accept connections, one after another, for ever. Read
    // each client's request head (up to the blank line) and answer with a status line,
    // headers and a body: `HTTP/1.1 200 OK`, a `Content-Length` that counts the body's
    // bytes, `Connection: close`, the blank line, the body. Then close the connection.
    // Chapter 04 of the book shows how.
    drop(listener);
    ExitCode::SUCCESS
}
