//! Chapter 07: static files. The server maps a URL path to a file under `--root`, sends it
//! with the `Content-Type` its extension implies, serves a directory's `index.html`, and
//! refuses every path that would read outside the root. Still one connection at a time.
#![forbid(unsafe_code)]

mod error;
mod files;
mod handler;
mod request;
mod response;
mod server;

use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

// ANCHOR: args
/// Serve the files under a folder over HTTP.
#[derive(Parser, Debug)]
#[command(name = "chapter07", version)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,

    /// Folder to serve. The default is the workspace's `static/` site, found from the
    /// package's own location, so it works from any working directory.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static"))]
    root: PathBuf,
}
// ANCHOR_END: args

fn main() -> ExitCode {
    let args = Args::parse();
    // Resolve the root once, up front: a typo in `--root` should stop the server with a
    // clear message, not turn every request into a 404.
    let root = match args.root.canonicalize() {
        Ok(root) if root.is_dir() => root,
        Ok(_) => {
            eprintln!("error: --root {} is not a folder", args.root.display());
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!(
                "error: cannot serve --root {}: {error}",
                args.root.display()
            );
            return ExitCode::FAILURE;
        }
    };
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
    eprintln!("Serving files from {}", root.display());
    server::run(listener, &root);
    ExitCode::SUCCESS
}

/// Prints the ready line with the address actually bound (port 0 means "any free port")
/// and flushes, because a pipe (a test, a script) would otherwise hold it back.
fn announce(listener: &TcpListener) -> io::Result<()> {
    println!("Listening on http://{}", listener.local_addr()?);
    io::stdout().flush()
}
