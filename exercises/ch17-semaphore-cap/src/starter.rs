//! Exercise ch17-semaphore-cap
//!
//! `serve` accepts connections and runs `echo` on each in its own task. Nothing limits
//! how many: a crowd of clients would each get a task and a socket until the process
//! runs out of file descriptors. Cap it at `max_connections`:
//!
//! - share a `tokio::sync::Semaphore` with `max_connections` permits;
//! - for each accepted connection, try to take a permit *without waiting*
//!   (`Arc::clone(&permits).try_acquire_owned()`);
//! - with a permit: move it into the task, so it is given back when the task ends;
//! - without one: read what the client has already sent, without waiting
//!   (`stream.try_read` until it returns an error, `WouldBlock` once nothing more has
//!   arrived), then write `BUSY` to the client and close (drop) the connection.
//!   Dropping a socket with unread bytes in it makes the kernel reset the connection,
//!   and the client then loses `busy` before reading it (chapter 17 reads and lingers
//!   for the same reason).
//!
//! `BUSY` (the answer past the cap) and `echo` (the service each connection gets) are
//! defined in `src/given.rs`: write `crate::given::BUSY` and `crate::given::echo`.
//!
//! Judge your attempt with `cargo run -p ch17-semaphore-cap`.

use tokio::net::TcpListener;

/// Accepts connections forever, serving at most `max_connections` at once.
pub async fn serve(listener: TcpListener, max_connections: usize) {
    // TODO: a semaphore with `max_connections` permits, in an `Arc`.
    let _ = max_connections;
    loop {
        let Ok((stream, _peer)) = listener.accept().await else {
            continue;
        };
        // TODO: take a permit without waiting. None left: read what has arrived, write
        // `crate::given::BUSY`, drop the stream, and go back to accepting. Otherwise move
        // the permit into the task.
        tokio::spawn(crate::given::echo(stream));
    }
}
