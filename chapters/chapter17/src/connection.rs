//! One connection, one task: read the request, answer it, write, close.
//!
//! It reads like chapter 10's blocking driver, and that is the point. Each `.await`
//! is where chapter 15 had to return to the event loop and remember where it was;
//! here the compiler turns the function into that state machine for us.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, watch};
use tokio::time::{Instant, timeout, timeout_at};
use webcore::connection::{ConnectionOptions, ReadError};
use webcore::{HttpError, Limits, Parsed, Plan, Request, Response, Router};
use webcore::{log, parse_request, slow};

// ANCHOR: serve_connection
/// Serves one request on `stream`, then closes it. `_permit` is this connection's
/// place under the `--max-connections` cap: dropping it at the end gives it back.
pub async fn serve(
    mut stream: TcpStream,
    peer: SocketAddr,
    router: Arc<Router>,
    options: ConnectionOptions,
    mut shutdown: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let started = Instant::now();
    let peer = peer.to_string();
    // One deadline for the whole head (and body): `timeout_at` cancels the read
    // wherever it is when the time is up, however many bytes trickled in before.
    let mut buf = Vec::new();
    let read = read_request(&mut stream, &mut buf, &options.limits, &mut shutdown);
    let request = match timeout_at(started + options.idle_timeout, read).await {
        Ok(Ok(request)) => request,
        Ok(Err(ReadError::Http(error))) => {
            return refuse(stream, error, &peer, started, &options).await;
        }
        Err(_elapsed) if !buf.is_empty() => {
            return refuse(stream, HttpError::Timeout, &peer, started, &options).await;
        }
        Err(_elapsed) => return log::event(&peer, "sent nothing in time: closed"),
        Ok(Err(ReadError::Silent)) => return log::event(&peer, "closed without a request"),
        Ok(Err(ReadError::Io(e))) => return log::event(&peer, &format!("read failed: {e}")),
    };
    let response = answer(&router, &request, &peer).await;
    send(&mut stream, &response, request.is_head(), &options, &peer).await;
    log::request(
        &peer,
        &request.method,
        &request.target,
        response.status.code,
        response.body.len(),
        started.elapsed(),
    );
}
// ANCHOR_END: serve_connection

// ANCHOR: read_request
/// Reads into `buf` until it holds a whole request. No deadline in here: the caller
/// wraps the whole call in one. `buf` belongs to the caller so that, when the
/// deadline cancels this future, the caller can still see whether anything arrived.
async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    limits: &Limits,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<Request, ReadError> {
    loop {
        match parse_request(buf, limits) {
            Ok(Parsed::Complete { request, .. }) => return Ok(request),
            Ok(Parsed::Incomplete) => {}
            Err(e) => return Err(ReadError::Http(e)),
        }
        if buf.is_empty() {
            // Nothing sent yet, so nothing is lost if a shutdown closes us now: a
            // browser's spare connection must not hold up the exit. `biased`: when
            // both are ready, the request that already arrived wins.
            tokio::select! {
                biased;
                ready = stream.readable() => ready.map_err(ReadError::Io)?,
                () = crate::shutdown::requested(shutdown) => return Err(ReadError::Silent),
            }
        } else {
            stream.readable().await.map_err(ReadError::Io)?;
        }
        // Waiting for readiness first, then reading what is there, lets an idle
        // connection hold no buffer at all: 10,000 silent clients cost no 40 MB.
        buf.reserve(4096);
        match stream.try_read_buf(buf) {
            Ok(0) if buf.is_empty() => return Err(ReadError::Silent),
            Ok(0) => return Err(ReadError::Http(HttpError::BadRequest("request cut short"))),
            Ok(_) => {}
            // Readiness can be stale (chapter 15 met it): tokio reports a freshly
            // accepted socket readable before anything has arrived. Give the empty
            // buffer back, then wait for real readiness.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if buf.is_empty() {
                    *buf = Vec::new();
                }
            }
            Err(e) => return Err(ReadError::Io(e)),
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
    }
}
// ANCHOR_END: answer

// ANCHOR: send
/// One write for the whole response. `write_all` is fine here, unlike on chapter
/// 15's non-blocking socket: this one is *async*. When the socket buffer is full it
/// does not fail with `WouldBlock` or spin, it pauses this task until the socket is
/// writable, and the worker thread serves other tasks meanwhile. The timeout stops a
/// client that never reads from holding the task forever.
async fn send(
    stream: &mut TcpStream,
    response: &Response,
    head_only: bool,
    options: &ConnectionOptions,
    peer: &str,
) -> bool {
    let bytes = response.to_bytes(head_only);
    match timeout(options.idle_timeout, stream.write_all(&bytes)).await {
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

/// Answers a request we refuse (400, 408, 413, 431, 505, …), then closes gently.
async fn refuse(
    mut stream: TcpStream,
    error: HttpError,
    peer: &str,
    started: Instant,
    options: &ConnectionOptions,
) {
    let response = error.into_response();
    let sent = send(&mut stream, &response, false, options, peer).await;
    log::request(
        peer,
        "-",
        "-",
        response.status.code,
        response.body.len(),
        started.elapsed(),
    );
    if sent {
        linger(&mut stream).await;
    }
}

/// How long, and how much, we keep reading after an error response.
const LINGER_TIME: Duration = Duration::from_millis(500);
const LINGER_BYTES: usize = 2 * 1024 * 1024;

// ANCHOR: linger
/// Closes after an error answer without losing it. We stopped reading part-way, and
/// closing a socket with unread bytes makes the kernel send a reset that can destroy
/// our answer before the client reads it. So: FIN first, then read and discard what
/// the client still sends, for a bounded time. (webcore's blocking driver does the
/// same with read timeouts.)
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
