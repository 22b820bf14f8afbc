//! Chapter 13's accept loop, with the thread per connection replaced by a hand-off to
//! the pool, and an answer for the clients the pool has no room for.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use webcore::refuse::{Refusal, refuse};
use webcore::shutdown::Shutdown;
use webcore::{Response, Status};

use crate::pool::Pool;
use webcore::accept::{accept_next, say};

/// What the accept loop hands a worker: one accepted connection.
pub type Connection = (TcpStream, SocketAddr);

// ANCHOR: accept_loop
/// Accepts connections until `shutdown` is requested and queues each for the pool;
/// when the queue is full, answers 503 itself. Returns an error only when the
/// listening socket itself is broken.
pub fn serve(
    listener: &TcpListener,
    pool: &Pool<Connection>,
    shutdown: &Shutdown,
) -> io::Result<()> {
    while let Some((stream, peer)) = accept_next(listener, shutdown)? {
        say(format_args!("{peer} -> queue"));
        if let Err((stream, peer)) = pool.try_submit((stream, peer)) {
            turn_away(stream, peer);
        }
    }
    Ok(())
}
// ANCHOR_END: accept_loop

// ANCHOR: turn_away
/// How long a client being turned away gets to send its request, and then to take
/// our answer and hang up. A client sends its request the moment it has connected, so
/// it is normally here before we look; the bound is for clients that stay silent,
/// who would otherwise hold up the accept loop.
const PATIENCE: Duration = Duration::from_millis(100);

/// Answers 503 on the accept loop's own thread, and closes. The request is read first
/// and the close lingers (`webcore::refuse`), because answering and closing at once
/// races the client's request: it then lands on a closed socket, the kernel answers
/// it with a reset, and the client sees a broken connection instead of our 503.
/// Everything is bounded by `PATIENCE`, so one silent client costs the loop at most
/// a fifth of a second.
fn turn_away(stream: TcpStream, peer: SocketAddr) {
    say(format_args!("queue full; 503 for {peer}"));
    let response = Response::text(
        Status::SERVICE_UNAVAILABLE,
        "every worker is busy and the queue is full; try again in a second\n",
    )
    .header("Retry-After", "1");
    if refuse(stream, &response, PATIENCE) == Refusal::ClientGone {
        say(format_args!("{peer} left before its 503"));
    }
}
// ANCHOR_END: turn_away
