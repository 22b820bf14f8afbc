//! One listening socket per event loop, on one port.

use std::io;
use std::net::SocketAddr;

use mio::net::TcpListener;
use socket2::{Domain, Protocol, Socket, Type};

// ANCHOR: sharing
/// How several event loops share one port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sharing {
    /// Each loop has its own listening socket, bound with `SO_REUSEPORT`: the kernel
    /// spreads new connections over them, and a connection waits in one loop's queue
    /// only. Each loop is woken for its own clients alone.
    Reuseport,
    /// One listening socket, registered with every loop. Every new client wakes every
    /// loop; one wins the `accept`, the others find nothing (the "thundering herd").
    Shared,
}
// ANCHOR_END: sharing

// ANCHOR: listeners
/// `loops` non-blocking listeners on `addr` (a port 0 becomes one real port for all).
pub fn listeners(
    addr: SocketAddr,
    backlog: i32,
    loops: usize,
    sharing: Sharing,
) -> io::Result<Vec<TcpListener>> {
    let first = bind_reuseport(addr, backlog)?;
    // Port 0 asked the kernel to pick: the other sockets must join that one port.
    let addr = first.local_addr()?;
    let mut all = vec![first];
    while all.len() < loops {
        let next = match sharing {
            Sharing::Reuseport => bind_reuseport(addr, backlog)?,
            Sharing::Shared => all[0].try_clone()?,
        };
        all.push(next);
    }
    Ok(all.into_iter().map(TcpListener::from_std).collect())
}

/// Binds a non-blocking listener that other sockets (this process's or another's)
/// may bind to the same port as well.
pub fn bind_reuseport(addr: SocketAddr, backlog: i32) -> io::Result<std::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}
// ANCHOR_END: listeners

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_loop_listens_on_the_same_port() {
        for sharing in [Sharing::Reuseport, Sharing::Shared] {
            let all = listeners("127.0.0.1:0".parse().expect("an address"), 128, 3, sharing)
                .expect("bind");
            let ports: Vec<u16> = all
                .iter()
                .map(|l| l.local_addr().expect("bound").port())
                .collect();
            assert_eq!(ports.len(), 3);
            assert!(ports.iter().all(|p| *p == ports[0] && *p != 0), "{ports:?}");
        }
    }
}
