//! Reference solution for ch13-spawn-per-connection.

use std::net::{TcpListener, TcpStream};
use std::thread;

/// Accepts connections forever, calling `handle` on each in a thread of its own.
pub fn serve(listener: TcpListener, handle: fn(TcpStream)) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                // `move` gives the thread the stream; `handle` is a plain `fn`, which
                // is `Copy` and `'static`, so the thread may keep it as long as it runs.
                // The `JoinHandle` is dropped: nobody waits for the thread, it ends
                // with its connection.
                thread::spawn(move || handle(stream));
            }
            // A failed accept concerns one client, not the server: keep going.
            Err(e) => eprintln!("accept failed: {e}"),
        }
    }
}
