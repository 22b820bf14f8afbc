//! Seed 004's echo protocol served the way this chapter serves HTTP: one client at a
//! time, as the seed's `py35_tcp_non_parallel_server.py` does. Every line is answered
//! with the previous line and itself; a client that hangs up, or sends no whole line
//! for `--idle` seconds, is logged and let go, and only then is the next one accepted.
//!
//! ```text
//! cargo run --release -p chapter10 --bin echo-lines-sequential
//! cargo run --release -p chapter17 --bin echo-lines-load -- --timeout 600 127.0.0.1:1234
//! ```
//!
//! The protocol (webcore's `echo`) is the same in chapters 13, 15 and 17; only the way
//! clients are taken in differs. Here a client connected while another is served waits
//! in the kernel's backlog, its lines unanswered: 100 clients of 10 s each take 1000 s.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use webcore::echo::{self, EchoArgs};

/// Echo every line with the one before it, one client at a time.
#[derive(Parser, Debug)]
#[command(name = "echo-lines-sequential", version)]
struct Args {
    #[command(flatten)]
    echo: EchoArgs,
}

fn main() -> ExitCode {
    let args = Args::parse();
    webcore::cli::exit_code(serve(&args.echo))
}

// ANCHOR: one_at_a_time
/// Serves clients one after another, for ever. Only a broken listening socket ends it.
fn serve(args: &EchoArgs) -> Result<(), String> {
    let listener = args.listen()?;
    loop {
        let (stream, peer) =
            echo::accept(&listener).map_err(|e| format!("the listening socket failed: {e}"))?;
        webcore::log::event(&peer.to_string(), "connected");
        // Until this returns, nobody else is accepted: the next client's lines sit
        // unread in the kernel.
        echo::serve_client(stream, peer, args.idle());
    }
}
// ANCHOR_END: one_at_a_time
