//! Binding the listening socket, with a backlog sized for a crowd.

use std::io;
use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpSocket};

// ANCHOR: backlog
/// How many finished handshakes the kernel queues for us before we `accept` them.
/// `std::net::TcpListener::bind` and `tokio::net::TcpListener::bind` both ask for 128.
/// When 10,000 clients connect at once, the accept loop cannot keep up with the burst,
/// the queue overflows, and Linux silently drops the extra SYNs: those clients retry
/// after one second, then three, and a benchmark sees a wall of 1 s latencies.
/// Linux caps the value at `net.core.somaxconn` (4096 by default since kernel 5.4).
pub const BACKLOG: u32 = 4096;

/// Binds `addr` the long way round, because `TcpListener::bind` has no backlog
/// parameter: make the socket, allow quick rebinding, bind, then listen.
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // A restarted server can bind the port again at once, even while connections of
    // the old process linger in TIME_WAIT (what `TcpListener::bind` does too).
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}
// ANCHOR_END: backlog

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn binds_port_zero_and_reports_the_real_port() {
        let listener = bind("127.0.0.1:0".parse().unwrap()).unwrap();
        assert_ne!(listener.local_addr().unwrap().port(), 0);
    }
}
