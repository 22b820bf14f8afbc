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
                    crate::echo(stream).await;
                    // The task owns the permit: it goes back when the echo is over
                    // (and would even if the echo panicked).
                    drop(permit);
                });
            }
            Err(_no_permit_left) => {
                // A small write to a fresh socket does not block in practice; the
                // busy client must not hold up the accept loop, so no waiting here.
                let _ = stream.try_write(crate::BUSY);
            }
        }
    }
}
