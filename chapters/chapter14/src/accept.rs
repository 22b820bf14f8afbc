//! Chapter 13's accept loop, with the thread per connection replaced by a hand-off to
//! the pool, and an answer for the clients the pool has no room for.

use std::io::{self, Read, Write};
use std::net::{Shutdown as Direction, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use webcore::shutdown::Shutdown;
use webcore::{Response, Status};

use crate::pool::Pool;
use webcore::accept::{Next, after_accept_error, say};

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
    while !shutdown.is_requested() {
        let (stream, peer) = match listener.accept() {
            Ok(connection) => connection,
            Err(e) => match after_accept_error(&e) {
                Next::Retry => continue,
                Next::BackOff(pause) => {
                    thread::sleep(pause);
                    continue;
                }
                Next::Stop => return Err(e),
            },
        };
        if shutdown.is_requested() {
            break; // the connection that woke us up, or a client that came too late
        }
        say(format_args!("{peer} -> queue"));
        if let Err((stream, peer)) = pool.try_submit((stream, peer)) {
            turn_away(stream, peer);
        }
    }
    Ok(())
}
// ANCHOR_END: accept_loop

// ANCHOR: turn_away
/// Answers 503 on the accept loop's own thread, and closes. It must never wait on
/// this client, or one slow client would stop all accepting: the response is small
/// enough to fit the socket's send buffer, and the write has a short deadline anyway.
fn turn_away(mut stream: TcpStream, peer: SocketAddr) {
    say(format_args!("queue full; 503 for {peer}"));
    let response = Response::text(
        Status::SERVICE_UNAVAILABLE,
        "every worker is busy and the queue is full; try again in a second\n",
    )
    .header("Retry-After", "1");
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let _ = stream.write_all(&response.to_bytes(false));
    // Read (without waiting) whatever request bytes have arrived: closing a socket
    // with unread bytes sends a reset, which can make the client lose our 503.
    if stream.set_nonblocking(true).is_ok() {
        let mut scratch = [0u8; 8 * 1024];
        while matches!(stream.read(&mut scratch), Ok(n) if n > 0) {}
    }
    let _ = stream.shutdown(Direction::Write);
}
// ANCHOR_END: turn_away
