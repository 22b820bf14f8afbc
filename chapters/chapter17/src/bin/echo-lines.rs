//! Seed 004's echo protocol as tokio tasks: every line a client sends is answered with
//! the line before it and the line itself, so after `Hello World!:0\n` and
//! `Hello World!:1\n` the second answer is `Hello World!:0\nHello World!:1\n`. A
//! client that hangs up, or sends no whole line for `--idle` seconds, is logged and
//! dropped; at most `--max-clients` are served at once (the seed's gevent `Pool(10000)`).
//!
//! ```text
//! cargo run --release -p chapter17 --bin echo-lines
//! cargo run --release -p chapter17 --bin echo-lines-load -- 127.0.0.1:1234
//! ```
//!
//! The protocol is webcore's `echo::Conversation`, the same one chapters 10, 13 and 15
//! drive; this file is only the async I/O around it.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chapter17::server::accept_in_place;
use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{Instant, timeout, timeout_at};
use webcore::echo::{CapArgs, Conversation, EchoArgs, Ending};

/// Echo every line with the one before it; disconnect silent clients.
#[derive(Parser, Debug)]
#[command(name = "echo-lines", version)]
struct Args {
    #[command(flatten)]
    echo: EchoArgs,
    #[command(flatten)]
    cap: CapArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    webcore::fd_limit::raise_open_files(u64::from(args.cap.max_clients));
    webcore::cli::exit_code(serve(&args).await)
}

/// Accepts clients for ever, a task each. Only a broken listening socket ends it.
async fn serve(args: &Args) -> Result<(), String> {
    let listener = args.echo.listen()?;
    // tokio wants the socket non-blocking, and its own type, inside the runtime.
    let listener = listener
        .set_nonblocking(true)
        .and_then(|()| TcpListener::from_std(listener))
        .map_err(|e| format!("cannot hand the socket to tokio: {e}"))?;
    let idle = args.echo.idle();
    let places = Arc::new(Semaphore::new(args.cap.max_clients()));
    // ANCHOR: echo_accept
    loop {
        // Wait for a free place *before* accepting, as the article's gevent pool
        // does: past the cap, new clients queue in the kernel's backlog.
        let (place, stream, peer) = accept_in_place(&listener, &places)
            .await
            .map_err(|e| format!("the listening socket failed: {e}"))?;
        webcore::log::event(&peer.to_string(), "connected");
        tokio::spawn(async move {
            echo_lines(stream, peer, idle).await;
            // The place comes back when the client leaves, however it leaves.
            drop(place);
        });
    }
    // ANCHOR_END: echo_accept
}

// ANCHOR: echo_lines
/// Answers each line with the previous line and itself until the conversation ends,
/// then logs how it ended.
async fn echo_lines(mut stream: TcpStream, peer: SocketAddr, idle: Duration) {
    let mut conversation = Conversation::new(std::time::Instant::now());
    let mut chunk = vec![0u8; 4096];
    let mut answers = Vec::new();
    let ending = loop {
        // One deadline per line: `timeout_at` cancels the read wherever it is.
        let deadline = Instant::from_std(conversation.deadline(idle));
        let read = match timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_elapsed) => break Ending::Silent,
            Ok(Ok(0)) => break Ending::Disconnected,
            Ok(Ok(read)) => read,
            Ok(Err(e)) => break Ending::Failed(e),
        };
        answers.clear();
        let now = std::time::Instant::now();
        if let Err(ending) = conversation.receive(&chunk[..read], now, &mut answers) {
            break ending;
        }
        // A client that stops reading must not hold this task for ever either.
        match timeout(idle, stream.write_all(&answers)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => break Ending::after_write(e),
            Err(_elapsed) => break Ending::NotReading,
        }
    };
    ending.log(peer, &conversation);
}
// ANCHOR_END: echo_lines
