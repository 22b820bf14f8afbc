//! The accept loop: a task per connection, a cap on how many, and a clean stop.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::{JoinError, JoinSet};
use tokio::time::{Instant, timeout};
use webcore::accept::{Next, after_accept_error, say};
use webcore::connection::ConnectionOptions;
use webcore::{Response, Router, Status, log};

use crate::connection;

/// What the accept loop needs to know beyond a single connection.
#[derive(Debug, Clone, Copy)]
pub struct ServerOptions {
    /// Connections served at once; one more gets 503.
    pub max_connections: usize,
    /// After a shutdown signal, how long the requests in flight get to finish.
    pub drain_timeout: Duration,
}

// ANCHOR: accept_loop
/// Accepts connections and serves each on its own task until `shutdown` turns true,
/// then waits (at most `drain_timeout`) for the tasks still running. Returns an error
/// only when the listening socket itself breaks.
pub async fn serve(
    listener: TcpListener,
    router: Arc<Router>,
    options: ConnectionOptions,
    server: ServerOptions,
    mut shutdown: watch::Receiver<bool>,
) -> io::Result<()> {
    // One permit per connection we are willing to serve at once.
    let permits = Arc::new(Semaphore::new(server.max_connections));
    // Every task we start, so the shutdown can wait for them.
    let mut tasks = JoinSet::new();
    // Each task gets its own receiver (ours is busy in the `select!` below).
    let for_tasks = shutdown.clone();
    loop {
        tokio::select! {
            () = crate::shutdown::requested(&mut shutdown) => break,
            accepted = accept_next(&listener) => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(broken) => {
                        drop(listener);
                        drain(tasks, server.drain_timeout).await;
                        return Err(broken);
                    }
                };
                match Arc::clone(&permits).try_acquire_owned() {
                    Ok(permit) => tasks.spawn(connection::serve(
                        stream,
                        peer,
                        Arc::clone(&router),
                        options,
                        for_tasks.clone(),
                        permit,
                    )),
                    Err(_full) => tasks.spawn(too_busy(stream, peer)),
                };
                // Collect the tasks that have finished: a JoinSet keeps every result
                // until it is taken, and a server that runs for a month would keep them
                // all. Here, not in a branch of the `select!`: that would wake this
                // task once more for every connection that ends. (So a task that
                // panicked is reported at the next accept, or at shutdown.)
                while let Some(done) = tasks.try_join_next() {
                    reap(done);
                }
            }
        }
    }
    // Stop accepting: from here on, new clients are refused by the kernel at once
    // instead of waiting in a queue nobody reads.
    drop(listener);
    drain(tasks, server.drain_timeout).await;
    Ok(())
}
// ANCHOR_END: accept_loop

/// A finished task. tokio catches a panic inside a task, so a bug outside the
/// handler (which `connection::answer` already turns into a 500) kills only that
/// task: its client sees the connection close, and every other task lives on.
fn reap(done: Result<(), JoinError>) {
    if let Err(e) = done
        && e.is_panic()
    {
        say(format_args!(
            "a connection task panicked; its client saw a close"
        ));
    }
}

// ANCHOR: too_busy
/// The answer when every permit is taken: 503 with `Retry-After`, then close.
///
/// We answer rather than make the client wait. A waiting client would sit in the
/// kernel's accept queue, where none of our deadlines apply, and once that queue is
/// full the kernel drops new handshakes with no word to anyone. A 503 costs us one
/// accept, one read and one small write, and tells the client the truth: come back
/// in a second.
async fn too_busy(mut stream: TcpStream, peer: SocketAddr) {
    let started = Instant::now();
    // Let the request arrive first (for at most a second): an answer that lands
    // before the client has even sent its request confuses some clients, and it is
    // the request that the 503 answers. The first read usually holds the whole head.
    let mut first = vec![0u8; 2048];
    let _ = timeout(Duration::from_secs(1), stream.read(&mut first)).await;
    let response = Response::text(
        Status::SERVICE_UNAVAILABLE,
        "too many connections; try again in a second\n",
    )
    .header("Retry-After", "1");
    let bytes = response.to_bytes(false);
    let sent = timeout(Duration::from_secs(1), stream.write_all(&bytes)).await;
    log::request(
        &peer.to_string(),
        "-",
        "-",
        503,
        response.body.len(),
        started.elapsed(),
    );
    if let Ok(Ok(())) = sent {
        // Part of the request may still be coming: read it away before we close, or
        // the kernel may answer it with a reset that eats our 503.
        connection::linger(&mut stream).await;
    }
}
// ANCHOR_END: too_busy

// ANCHOR: drain
/// Waits for the tasks still running, at most `bound`; then cancels the rest.
/// Tasks that were only waiting for a first byte have already closed (they watch the
/// same shutdown signal), so what is left are requests in flight.
async fn drain(mut tasks: JoinSet<()>, bound: Duration) {
    if !tasks.is_empty() {
        say(format_args!(
            "waiting for {} connection(s) to finish",
            tasks.len()
        ));
    }
    let all_done = timeout(bound, async {
        while let Some(done) = tasks.join_next().await {
            reap(done);
        }
    })
    .await;
    if all_done.is_err() {
        let busy = tasks.len();
        say(format_args!(
            "{busy} connection(s) still busy after {bound:?}: cancelling them"
        ));
        // Cancelling a task drops its future at its current `.await`: its socket
        // closes, its timer is deregistered. Nothing else to clean up.
        tasks.shutdown().await;
    }
}
// ANCHOR_END: drain

// ANCHOR: accept_failed
/// The next connection, with the one rule every Part II accept loop keeps for a failed
/// `accept` (webcore's `after_accept_error`): go on at once, pause on a shortage
/// (`EMFILE` would otherwise spin), or return the error when the listening socket itself
/// is broken. The tokio side of webcore's blocking `accept_next`; the echo and chat
/// servers use it too.
pub async fn accept_next(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    loop {
        match listener.accept().await {
            Ok(accepted) => return Ok(accepted),
            Err(e) => accept_failed(e).await?,
        }
    }
}

/// A free place under the cap first, then the next connection: past the cap, new
/// clients wait in the kernel's backlog (as the seed article's gevent pool makes them
/// wait). The echo and chat servers' accept loops; the place goes back when the permit
/// is dropped.
pub async fn accept_in_place(
    listener: &TcpListener,
    places: &Arc<Semaphore>,
) -> io::Result<(OwnedSemaphorePermit, TcpStream, SocketAddr)> {
    let place = Arc::clone(places)
        .acquire_owned()
        .await
        .map_err(|_closed| io::Error::other("the connection cap was closed"))?;
    let (stream, peer) = accept_next(listener).await?;
    Ok((place, stream, peer))
}

async fn accept_failed(error: io::Error) -> io::Result<()> {
    match after_accept_error(&error) {
        Next::Retry => Ok(()),
        Next::BackOff(pause) => {
            tokio::time::sleep(pause).await;
            Ok(())
        }
        Next::Stop => Err(error),
    }
}
// ANCHOR_END: accept_failed

#[cfg(test)]
mod tests {
    use super::*;

    /// Starts `serve` with `router` on a fresh port; returns its address and the
    /// sender that stops it.
    async fn start(router: Router, max_connections: usize) -> (SocketAddr, watch::Sender<bool>) {
        let listener = crate::listen::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = watch::channel(false);
        let server = ServerOptions {
            max_connections,
            drain_timeout: Duration::from_secs(5),
        };
        let options = ConnectionOptions::default();
        tokio::spawn(serve(listener, Arc::new(router), options, server, stopped));
        (addr, stop)
    }

    async fn get(addr: SocketAddr, path: &str) -> String {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        let read = stream.read_to_string(&mut response);
        timeout(Duration::from_secs(10), read)
            .await
            .unwrap()
            .unwrap();
        response
    }

    #[tokio::test]
    async fn a_panicking_handler_gets_500_and_the_server_lives_on() {
        let router = Router::new()
            .route(&["GET"], "/", |_| Response::text(Status::OK, "fine\n"))
            .route(&["GET"], "/panic", |_| panic!("a handler bug"));
        let (addr, _stop) = start(router, 100).await;
        let first = get(addr, "/panic").await;
        assert!(first.starts_with("HTTP/1.1 500 "), "{first}");
        let second = get(addr, "/").await;
        assert!(second.starts_with("HTTP/1.1 200 OK\r\n"), "{second}");
        assert!(second.ends_with("fine\n"), "{second}");
    }

    #[tokio::test]
    async fn after_the_stop_signal_no_connection_is_accepted() {
        let router = Router::new().route(&["GET"], "/", |_| Response::text(Status::OK, "ok\n"));
        let (addr, stop) = start(router, 100).await;
        assert!(get(addr, "/").await.starts_with("HTTP/1.1 200"));
        stop.send(true).unwrap();
        // Poll with a deadline: the loop notices the signal at its next turn.
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(addr).await.is_ok() {
            assert!(Instant::now() < deadline, "the listener is still open");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_drain_waits_for_quick_tasks_and_cancels_stuck_ones() {
        // Paused time: the runtime jumps the clock forward whenever every task is
        // waiting on a timer, so this "60 s" test takes no time at all.
        let mut tasks = JoinSet::new();
        let (finished, mut finished_rx) = watch::channel(false);
        tasks.spawn(async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            let _ = finished.send(true);
        });
        tasks.spawn(tokio::time::sleep(Duration::from_secs(60)));
        let started = Instant::now();
        drain(tasks, Duration::from_secs(15)).await;
        assert_eq!(started.elapsed(), Duration::from_secs(15));
        assert!(*finished_rx.borrow_and_update(), "the 2 s task finished");
    }
}
