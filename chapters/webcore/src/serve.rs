//! Chapter 10's accept loop: one connection at a time, for as long as it takes.

use std::io;
use std::net::{SocketAddr, TcpListener};

use crate::accept::accept_next;
use crate::connection::{ConnectionOptions, serve_connection};
use crate::router::Router;
use crate::shutdown::Shutdown;

// ANCHOR: accept_loop
/// Accepts and serves connections one after another until `shutdown` is requested.
/// Nothing a single connection does (or fails to do) ends this loop; only a broken
/// listening socket does, and that is returned as an error.
pub fn sequential(
    listener: &TcpListener,
    router: &Router,
    options: &ConnectionOptions,
    shutdown: &Shutdown,
) -> io::Result<()> {
    while let Some((stream, _peer)) = accept_next(listener, shutdown)? {
        // Everything that can go wrong with this client is handled, and logged,
        // inside: nothing comes back up here to stop the loop.
        serve_connection(stream, router, options);
    }
    Ok(())
}
// ANCHOR_END: accept_loop

// ANCHOR: until_stopped
/// Chapters 10 and 11 from start to stop: listen (signals first, then the ready line),
/// serve one connection at a time until SIGINT or SIGTERM, and say `stopped`. What can
/// fail comes back as the one line `main` prints before it exits with status 1.
pub fn until_stopped(
    addr: SocketAddr,
    router: &Router,
    options: &ConnectionOptions,
) -> Result<(), String> {
    let (listener, shutdown) = crate::ready::listen_with_shutdown(addr)?;
    // Only a broken listening socket ends the loop with an error.
    sequential(&listener, router, options, &shutdown)
        .map_err(|e| format!("cannot accept connections any more: {e}"))?;
    crate::log::line(format_args!("stopped"));
    Ok(())
}
// ANCHOR_END: until_stopped

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::{Response, Status};
    use crate::shutdown::wake_accept;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::thread;
    use std::time::Duration;

    fn exchange(addr: std::net::SocketAddr, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        String::from_utf8_lossy(&response).into_owned()
    }

    #[test]
    fn serves_until_shutdown_is_requested_and_woken() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = Shutdown::new();
        let flag = shutdown.clone();
        let server = thread::spawn(move || {
            let router = Router::new().route(&["GET"], "/", |_| Response::text(Status::OK, "hi"));
            sequential(&listener, &router, &ConnectionOptions::default(), &flag)
        });
        assert!(exchange(addr, b"BAD\r\n\r\n").starts_with("HTTP/1.1 400 "));
        assert!(exchange(addr, b"GET / HTTP/1.1\r\n\r\n").ends_with("\r\n\r\nhi"));
        shutdown.request();
        wake_accept(addr);
        server.join().unwrap().unwrap();
    }
}
