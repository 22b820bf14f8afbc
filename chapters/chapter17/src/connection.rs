//! One connection, one task: read a request, answer it, write, and close (or, with
//! keep-alive, read the next one). The HTTP side is webcore's `Session`, the same one
//! the blocking driver and the event loops drive.
//!
//! It reads like chapter 10's blocking driver, and that is the point. Each `.await`
//! is where chapter 15 had to return to the event loop and remember where it was;
//! here the compiler turns the function into that state machine for us.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, watch};
use tokio::time::{Instant, timeout, timeout_at};
use webcore::connection::ConnectionOptions;
use webcore::router::Deferred;
use webcore::session::{After, LINGER_BYTES, LINGER_TIME, Next, Session};
use webcore::{Plan, Request, Response, Router, log, slow};

// ANCHOR: serve_connection
/// Serves `stream` until the session says to close. `_permit` is this connection's
/// place under the `--max-connections` cap: dropping it at the end gives it back.
pub async fn serve(
    mut stream: TcpStream,
    peer: SocketAddr,
    router: Arc<Router>,
    options: ConnectionOptions,
    mut shutdown: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let mut session = Session::new(peer.to_string(), options.limits, options.persistence);
    loop {
        // One deadline for the whole request: `timeout_at` cancels the read wherever it
        // is when the time is up, however many bytes trickled in before. The bytes
        // live in the session, outside the cancelled future, so we can still see
        // whether a request had started.
        let deadline = Instant::now() + options.idle_timeout;
        let read = read_request(&mut stream, &mut session, &mut shutdown);
        let next = match timeout_at(deadline, read).await {
            Ok(Ok(next)) => next,
            Ok(Err(e)) => return log::event(session.peer(), &format!("read failed: {e}")),
            Err(_elapsed) => session.timed_out().map_or(Next::Close, Next::Refuse),
        };
        let outgoing = match next {
            Next::Request(request) => {
                let response = answer(&router, &request, session.peer()).await;
                session.respond(&response)
            }
            Next::Refuse(outgoing) => outgoing,
            Next::Close | Next::Read => return,
        };
        if !send(&mut stream, &outgoing.bytes, &options, session.peer()).await {
            return;
        }
        match outgoing.after {
            After::KeepOpen => continue,
            After::Close => return,
            After::Linger => return linger(&mut stream).await,
        }
    }
}
// ANCHOR_END: serve_connection

// ANCHOR: read_request
/// Reads into the session until it has a whole request (or a refusal). No deadline in
/// here: the caller wraps the whole call in one.
async fn read_request(
    stream: &mut TcpStream,
    session: &mut Session,
    shutdown: &mut watch::Receiver<bool>,
) -> io::Result<Next> {
    let mut eof = false;
    loop {
        match session.next(eof) {
            Next::Read => {}
            decided => return Ok(decided),
        }
        if session.mid_request() {
            stream.readable().await?;
        } else {
            // Nothing sent yet, so nothing is lost if a shutdown closes us now: a
            // browser's spare connection must not hold up the exit. `biased`: when
            // both are ready, the request that already arrived wins.
            tokio::select! {
                biased;
                ready = stream.readable() => ready?,
                () = crate::shutdown::requested(shutdown) => return Ok(Next::Close),
            }
        }
        // Waiting for readiness first, then reading what is there, lets an idle
        // connection hold no buffer at all: 10,000 silent clients cost no 40 MB.
        session.input.reserve(4096);
        match stream.try_read_buf(&mut session.input) {
            Ok(0) => eof = true,
            Ok(_) => {}
            // Readiness can be stale (chapter 15 met it): tokio reports a freshly
            // accepted socket readable before anything has arrived. Give the empty
            // buffer back, then wait for real readiness.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if session.input.is_empty() {
                    session.input = Vec::new();
                }
            }
            Err(e) => return Err(e),
        }
    }
}
// ANCHOR_END: read_request

// ANCHOR: answer
/// Runs the route. Slow work never blocks this worker thread: a sleep is a timer,
/// and CPU work goes to tokio's blocking pool.
async fn answer(router: &Router, request: &Request, peer: &str) -> Response {
    // A panicking handler costs this request a 500, as in chapter 10. Without that the
    // panic would still be caught, by tokio around the task, but the client would
    // only see the connection close.
    match router.plan_or_500(request, peer) {
        Plan::Respond(response) => response,
        Plan::Sleep(duration) => {
            // Not `std::thread::sleep`: that would freeze this worker thread and every
            // task waiting for it. This future just registers a timer and yields.
            tokio::time::sleep(duration).await;
            slow::sleep_done(duration)
        }
        // A CPU-bound loop has no `.await` in it: on a worker thread it would run to
        // the end while the other tasks queued on that thread wait. `spawn_blocking`
        // runs it on a separate pool of threads made for exactly that.
        Plan::Compute(duration) => {
            match tokio::task::spawn_blocking(move || slow::burn_cpu(duration)).await {
                Ok(response) => response,
                // The blocking task panicked (or was cancelled at shutdown).
                Err(e) => {
                    let why = e.to_string();
                    webcore::router::handler_panicked(request, peer, &why)
                }
            }
        }
        // The work gets a task of its own, which sleeps, then runs it; this one goes
        // on to send the answer. At shutdown the runtime drops a task still asleep,
        // and its `Deferred` logs that it was dropped.
        Plan::RespondThen(response, after) => {
            let work = Deferred::new(after);
            tokio::spawn(async move {
                tokio::time::sleep(after).await;
                work.run();
            });
            response
        }
    }
}
// ANCHOR_END: answer

// ANCHOR: send
/// One write for the whole answer. `write_all` is fine here, unlike on chapter 15's
/// non-blocking socket: this one is *async*. When the socket buffer is full it does
/// not fail with `WouldBlock` or spin, it pauses this task until the socket is
/// writable, and the worker thread serves other tasks meanwhile. The timeout stops a
/// client that never reads from holding the task forever.
async fn send(
    stream: &mut TcpStream,
    bytes: &[u8],
    options: &ConnectionOptions,
    peer: &str,
) -> bool {
    match timeout(options.idle_timeout, stream.write_all(bytes)).await {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            log::event(peer, &format!("went away mid-response: {e}"));
            false
        }
        Err(_elapsed) => {
            log::event(peer, "stopped reading the response: closed");
            false
        }
    }
}
// ANCHOR_END: send

// ANCHOR: linger
/// Closes after an error answer without losing it ([`After::Linger`]): FIN first, then
/// read and discard what the client still sends, for a bounded time. (webcore's
/// blocking driver does the same with read timeouts, chapter 15 with readiness.)
pub async fn linger(stream: &mut TcpStream) {
    // For a `TcpStream`, `AsyncWriteExt::shutdown` is `shutdown(Write)`: a FIN.
    let _ = stream.shutdown().await;
    let _ = timeout(LINGER_TIME, async {
        // On the heap: an array here would make every connection's future bigger.
        let mut chunk = vec![0u8; 16 * 1024];
        let mut discarded = 0;
        while discarded < LINGER_BYTES {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => discarded += n,
            }
        }
    })
    .await;
}
// ANCHOR_END: linger

#[cfg(test)]
mod tests {
    use tokio::net::{TcpListener, TcpStream};
    use tokio::time::{Duration, timeout};

    /// Why `read_request` gives an empty buffer back on `WouldBlock`: tokio reports a
    /// freshly accepted socket as readable before the client has sent anything.
    #[tokio::test]
    async fn a_fresh_socket_looks_readable_before_any_byte_arrives() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (stream, _) = listener.accept().await.unwrap();
        let ready = timeout(Duration::from_secs(1), stream.readable()).await;
        assert!(
            ready.is_ok(),
            "readable() waited: tokio changed, update the comment"
        );
        let mut byte = [0u8; 1];
        let read = stream.try_read(&mut byte);
        assert!(
            read.as_ref()
                .is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock),
            "{read:?}"
        );
    }
}
