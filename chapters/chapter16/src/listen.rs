//! Binding with a listen backlog we choose (chapter 15, unchanged).

use std::io;
use std::net::SocketAddr;

use socket2::{Domain, Protocol, Socket, Type};

// ANCHOR: bind
/// Binds `addr` with room for `backlog` connections waiting to be accepted, and makes
/// the listener non-blocking for mio.
///
/// `std::net::TcpListener::bind` always asks for 128. When thousands of clients connect
/// at once, the kernel's queue overflows before the loop has accepted them; Linux then
/// drops the extra SYNs and the clients retry after one second, then three, then seven:
/// a latency spike that has nothing to do with our code. The kernel caps the value at
/// `net.core.somaxconn` (4096 on recent kernels), silently.
pub fn bind(addr: SocketAddr, backlog: i32) -> io::Result<mio::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // As std does on Unix: restart at once on a port whose old connections linger.
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    socket.set_nonblocking(true)?;
    Ok(mio::net::TcpListener::from_std(socket.into()))
}
// ANCHOR_END: bind
