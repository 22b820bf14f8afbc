//! Reference solution for ch17-semaphore-cap.

use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Accepts connections forever, serving at most `max_connections` at once.
pub async fn serve(listener: TcpListener, max_connections: usize) {
    let permits = Arc::new(Semaphore::new(max_connections));
    loop {
        let Ok((stream, _peer)) = listener.accept().await else {
            continue;
        };
        match Arc::clone(&permits).try_acquire_owned() {
            Ok(permit) => {
                tokio::spawn(async move {
                    crate::given::echo(stream).await;
                    // The task owns the permit: it goes back when the echo is over
                    // (and would even if the echo panicked).
                    drop(permit);
                });
            }
            Err(_no_permit_left) => {
                // Take in whatever the client has already sent: dropping a socket with
                // unread bytes makes the kernel reset the connection, and the client
                // would lose `busy`. `try_read` never waits: it stops at `WouldBlock`.
                let mut scratch = [0u8; 1024];
                while let Ok(n) = stream.try_read(&mut scratch) {
                    if n == 0 {
                        break;
                    }
                }
                // A small write to a fresh socket does not block in practice; the
                // busy client must not hold up the accept loop, so no waiting here.
                let _ = stream.try_write(crate::given::BUSY);
            }
        }
    }
}
