//! Binding, and the ready line tests and scripts wait for.

use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener};

use crate::shutdown::Shutdown;

// ANCHOR: announce
/// Prints `Listening on http://ADDR` on stdout and flushes at once: when stdout is a
/// pipe (a test, a script) Rust buffers it, and a ready line stuck in a buffer is a
/// server that looks dead.
pub fn announce(addr: SocketAddr) {
    let mut stdout = std::io::stdout().lock();
    // If stdout is gone there is no one to tell; the server still works.
    let _ = writeln!(stdout, "Listening on http://{addr}");
    let _ = stdout.flush();
}
// ANCHOR_END: announce

/// Binds `addr`, or prints one line saying why not and exits with status 1.
pub fn bind_or_exit(addr: SocketAddr) -> TcpListener {
    bound_or_exit(addr, TcpListener::bind(addr))
}

/// The listener, or one line saying why there is none and exit status 1.
fn bound_or_exit(addr: SocketAddr, bound: io::Result<TcpListener>) -> TcpListener {
    bound.unwrap_or_else(|e| {
        eprintln!("error: cannot listen on {addr}: {e}");
        std::process::exit(1);
    })
}

/// Binds `addr`, prints the ready line with the port actually bound, and returns
/// the listener. Exits with status 1 when either step fails.
pub fn listen(addr: SocketAddr) -> TcpListener {
    let listener = bind_or_exit(addr);
    match listener.local_addr() {
        Ok(bound) => announce(bound),
        Err(e) => {
            eprintln!("error: cannot read the bound address: {e}");
            std::process::exit(1);
        }
    }
    listener
}

// ANCHOR: listen_with_shutdown
/// Binds `addr`, catches SIGINT and SIGTERM, then prints the ready line, in that
/// order: a script may send SIGTERM the moment it reads the ready line, and the
/// signal must find our handler, not the default one that kills the process.
/// A step that fails comes back as the one line `main` prints before it exits 1.
pub fn listen_with_shutdown(addr: SocketAddr) -> Result<(TcpListener, Shutdown), String> {
    let listener = TcpListener::bind(addr).map_err(|e| cannot_listen(addr, &e))?;
    signals_then_ready_line(listener)
}

/// The two steps after binding, in the order explained above.
fn signals_then_ready_line(listener: TcpListener) -> Result<(TcpListener, Shutdown), String> {
    let shutdown =
        Shutdown::install(&listener).map_err(|e| format!("cannot catch SIGINT/SIGTERM: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    announce(bound);
    Ok((listener, shutdown))
}
// ANCHOR_END: listen_with_shutdown

/// [`listen_with_shutdown`], with room for `backlog` connections waiting to be accepted
/// instead of std's 128 (see [`bind_with_backlog`]): for a server whose accept loop may
/// be busy for a moment while a burst of clients connects.
pub fn listen_with_shutdown_and_backlog(
    addr: SocketAddr,
    backlog: i32,
) -> Result<(TcpListener, Shutdown), String> {
    let listener = bind_with_backlog(addr, backlog).map_err(|e| cannot_listen(addr, &e))?;
    signals_then_ready_line(listener)
}

/// The line for a port we cannot have (CONTRACT.md: `cannot listen on`).
fn cannot_listen(addr: SocketAddr, error: &io::Error) -> String {
    format!("cannot listen on {addr}: {error}")
}

// ANCHOR: bind_with_backlog
/// Binds `addr` with room for `backlog` connections waiting to be accepted.
///
/// `std::net::TcpListener::bind` always asks for 128. When thousands of clients connect
/// at once, the kernel's queue overflows before the server has accepted them; Linux then
/// drops the extra SYNs and the clients retry after one second, then three, then seven:
/// a latency spike that has nothing to do with our code. The kernel caps the value at
/// `net.core.somaxconn` (4096 on recent kernels), silently.
pub fn bind_with_backlog(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // As std does on Unix: restart at once on a port whose old connections linger.
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}
// ANCHOR_END: bind_with_backlog
