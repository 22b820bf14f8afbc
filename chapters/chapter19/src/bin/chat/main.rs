//! The seed article's closing question, answered: a chat room. The echo protocol of
//! chapter 17 grown so that every line a client sends goes to every *other* client
//! connected, prefixed with the sender's address. With `--redis`, every server started
//! with the same URL and `--channel` joins one room, through Redis pub/sub.
//!
//! ```text
//! cargo run -p chapter19 --bin chat -- --addr 127.0.0.1:1234
//! nc 127.0.0.1 1234        # in two or three terminals, then type
//! ```
//!
//! `room.rs` holds the shared state and the broadcast channel, `broker.rs` the Redis
//! relay; this file reads the flags and accepts, as `echo-lines` does.
#![forbid(unsafe_code)]

mod broker;
mod room;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chapter17::server::accept_in_place;
use clap::Parser;
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::Semaphore;

use room::{Ending, Room};

/// Connections the kernel queues for us before we accept them, as chapter 17's
/// servers ask (the kernel caps it at `net.core.somaxconn`).
const BACKLOG: i32 = 4096;

/// A chat room: every line a client sends reaches every other client.
#[derive(Parser, Debug)]
#[command(name = "chat", version)]
struct Args {
    /// Address to listen on; port 0 lets the system pick a free port.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:1234",
          value_parser = webcore::cli::parse_addr)]
    addr: SocketAddr,
    /// Seconds a client may stay silent, or leave a line unread, before we hang up.
    #[arg(long, value_name = "SECS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle: u64,
    /// Clients served at once; the next one waits until one leaves.
    #[arg(long = "max-clients", value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_clients: u32,
    /// Lines the room keeps for its slowest reader; a reader further behind than this
    /// loses the oldest lines and is told how many.
    #[arg(long, value_name = "LINES", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    backlog: u32,
    /// Share the room with every chat server started with the same Redis and channel,
    /// e.g. `redis://127.0.0.1:6379`.
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
    /// The Redis pub/sub channel that carries the room's lines.
    #[arg(long, value_name = "NAME", default_value = "chapter19-chat")]
    channel: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    // `error: ...` and status 1 for a failure, as every chapter reports one.
    webcore::cli::exit_code(run(Args::parse()).await)
}

// ANCHOR: run
async fn run(args: Args) -> Result<(), String> {
    webcore::fd_limit::raise_open_files(u64::from(args.max_clients));
    let listener = webcore::ready::bind_with_backlog(args.addr, BACKLOG)
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    // tokio wants the socket non-blocking, and its own type, inside the runtime.
    let listener = listener
        .set_nonblocking(true)
        .and_then(|()| TcpListener::from_std(listener))
        .map_err(|e| format!("cannot hand the socket to tokio: {e}"))?;
    let backlog = args.backlog as usize;
    // Alone, a line goes straight into the room's channel. With a broker, it goes to
    // Redis, and the relay task puts what Redis delivers into the channel: our own
    // lines too, so every server sees every line in the one order Redis gave them.
    let (room, relay) = match &args.redis {
        None => (Room::local(backlog), None),
        Some(url) => {
            let broker = broker::connect(url, &args.channel).await?;
            let room = Room::brokered(backlog, broker.publisher);
            let relay = tokio::spawn(broker::relay(broker.messages, room.sender()));
            (room, Some(relay))
        }
    };
    // `Listening on http://ADDR`, as every workbook server prints it: once we can take
    // clients, and after the subscription above, so a line published on another
    // server from now on reaches this one. (The chat speaks lines, not HTTP; the
    // `http://` is the workbook's one ready line, which tests and scripts wait for.)
    webcore::ready::announce(addr);
    let room = Arc::new(room);
    let idle = Duration::from_secs(args.idle);
    let stop = stop_signal()?;
    tokio::select! {
        ended = accept_loop(listener, room, idle, args.max_clients) => ended,
        () = stop => Ok(()),
        // The relay only ends when Redis goes away. Serving on would split the room
        // without anyone noticing; exiting lets a supervisor restart us.
        Some(ended) = async { match relay { Some(relay) => Some(relay.await), None => None } } => {
            match ended {
                Ok(Err(e)) => Err(format!("lost the broker: {e}")),
                _ => Err("lost the broker".to_string()),
            }
        }
    }
}
// ANCHOR_END: run

// ANCHOR: accept_loop
/// Accepts clients as `echo-lines` does: a free place first, then the connection.
async fn accept_loop(
    listener: TcpListener,
    room: Arc<Room>,
    idle: Duration,
    max_clients: u32,
) -> Result<(), String> {
    let permits = Arc::new(Semaphore::new(max_clients as usize));
    loop {
        // A free place first, then the connection, with the workbook's one rule for a
        // failed accept (chapter 17's `accept_in_place`).
        let (permit, stream, peer) = accept_in_place(&listener, &permits)
            .await
            .map_err(|e| format!("the listening socket failed: {e}"))?;
        let room = Arc::clone(&room);
        tokio::spawn(async move {
            let why = match room::converse(&room, stream, peer, idle).await {
                Ok(Ending::Closed) => "left".to_string(),
                Ok(Ending::Silent) => format!("silent for {idle:?}: disconnected"),
                Ok(Ending::Stalled) => format!("took no line for {idle:?}: disconnected"),
                Ok(Ending::LineTooLong) => "sent an overlong line: disconnected".to_string(),
                Err(e) => format!("failed: {e}"),
            };
            webcore::log::event(&peer.to_string(), &why);
            // The place comes back when the client leaves, however it leaves.
            drop(permit);
        });
    }
}
// ANCHOR_END: accept_loop

/// Resolves on SIGINT or SIGTERM: the chat has nothing in flight worth finishing, so
/// the process exits 0 at once and the clients see their connections close.
fn stop_signal() -> Result<impl Future<Output = ()>, String> {
    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|e| format!("cannot catch SIGINT: {e}"))?;
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|e| format!("cannot catch SIGTERM: {e}"))?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}
