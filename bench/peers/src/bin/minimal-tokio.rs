//! A minimal tokio keep-alive server: one task per connection, the same canned 1 KiB
//! answer as `minimal-mio`. The gap between the two is what the runtime costs; the gap
//! between this and a chapter is what the chapter's HTTP costs.
#![forbid(unsafe_code)]

use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{SignalKind, signal};

/// Answer every request with the same 1 KiB, one tokio task per connection.
#[derive(Parser, Debug)]
#[command(name = "minimal-tokio")]
struct Args {
    /// Address to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Worker threads of the tokio runtime [default: one per core]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
}

/// A client whose unfinished head grows past this is not sending HTTP: close it.
const MAX_HEAD: usize = 64 * 1024;

fn main() -> ExitCode {
    let args = Args::parse();
    // `#[tokio::main]` cannot take its worker count from the command line.
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = args.threads {
        builder.worker_threads(usize::from(threads));
    }
    let result = builder
        .enable_all()
        .build()
        .and_then(|runtime| runtime.block_on(run(args.addr)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Accepts until SIGTERM or SIGINT, then returns: the connections still open are simply
/// dropped with the runtime, which is all a benchmark peer needs.
async fn run(addr: SocketAddr) -> io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    peers::announce(listener.local_addr()?);
    let response: Arc<[u8]> = peers::canned_response(false).into();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve(stream, Arc::clone(&response)));
                }
                Err(e) => eprintln!("accept: {e}"),
            },
            _ = terminate.recv() => return Ok(()),
            _ = interrupt.recv() => return Ok(()),
        }
    }
}

/// Reads, answers every complete head in what was read (pipelining), writes the answers,
/// and goes round again until the client closes.
async fn serve(mut stream: TcpStream, response: Arc<[u8]>) {
    // Answers are written whole; do not let Nagle hold one back.
    let _ = stream.set_nodelay(true);
    let mut input = Vec::with_capacity(4096);
    let mut output = Vec::new();
    loop {
        input.reserve(4096);
        match stream.read_buf(&mut input).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let mut answered = 0;
        while let Some(end) = peers::head_end(&input[answered..]) {
            answered += end;
            output.extend_from_slice(&response);
        }
        input.drain(..answered);
        if input.len() > MAX_HEAD || stream.write_all(&output).await.is_err() {
            return;
        }
        output.clear();
    }
}
