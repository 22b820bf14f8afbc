//! The listening socket, non-blocking for mio.

use std::io;
use std::net::SocketAddr;

use mio::net::TcpListener;

// ANCHOR: listen
/// Binds `addr` with a real backlog (see webcore's `bind_with_backlog`) and makes the
/// socket non-blocking, as mio requires: the loop sleeps in `poll`, never in `accept`.
pub fn bind(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    let listener = webcore::ready::bind_with_backlog(addr, backlog)?;
    listener.set_nonblocking(true)?;
    Ok(TcpListener::from_std(listener))
}
// ANCHOR_END: listen
