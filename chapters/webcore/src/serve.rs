//! Chapter 10's accept loop: one connection at a time, for as long as it takes.

use std::io;
use std::net::TcpListener;
use std::time::Duration;

use crate::connection::{ConnectionOptions, serve_connection};
use crate::router::Router;
use crate::shutdown::Shutdown;

// ANCHOR: accept_loop
/// Accepts and serves connections one after another until `shutdown` is requested.
/// Nothing a single connection does (or fails to do) ends this loop.
pub fn sequential(
    listener: &TcpListener,
    router: &Router,
    options: &ConnectionOptions,
    shutdown: &Shutdown,
) {
    while !shutdown.is_requested() {
        let stream = match listener.accept() {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                accept_failed(&e);
                continue;
            }
        };
        if shutdown.is_requested() {
            // The connection that woke us up (or a client that came too late).
            break;
        }
        // Everything that can go wrong with this client is handled, and logged,
        // inside: nothing comes back up here to stop the loop.
        serve_connection(stream, router, options);
    }
}
// ANCHOR_END: accept_loop

// ANCHOR: accept_failed
/// A failed `accept` is no reason to stop serving. Some failures concern only the
/// connection being accepted (it was reset while waiting: `ConnectionAborted`); others
/// concern us (`EMFILE`: out of file descriptors) and will repeat on the next call at
/// once, so pause a little rather than spin at 100% CPU printing the same line.
fn accept_failed(error: &io::Error) {
    eprintln!("accept failed: {error}");
    match error.kind() {
        io::ErrorKind::Interrupted | io::ErrorKind::ConnectionAborted => {}
        _ => std::thread::sleep(Duration::from_millis(100)),
    }
}
// ANCHOR_END: accept_failed

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::{Response, Status};
    use crate::shutdown::wake_accept;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::thread;

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
            sequential(&listener, &router, &ConnectionOptions::default(), &flag);
        });
        assert!(exchange(addr, b"BAD\r\n\r\n").starts_with("HTTP/1.1 400 "));
        assert!(exchange(addr, b"GET / HTTP/1.1\r\n\r\n").ends_with("\r\n\r\nhi"));
        shutdown.request();
        wake_accept(addr);
        server.join().unwrap();
    }
}
