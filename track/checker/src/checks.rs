//! The track's own checks, for the two stages the contract has none for: stage 04's
//! first answer (the contract starts at chapter 05's parser) and stage 16's limit (the
//! chapters each limit their own way; the track asks for `--max-connections`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use testkit::contract::{self, Check, Site};
use testkit::http::{self, Response, get_request, replay_command};

/// How long stage 04's client waits for an answer: a server that answers at all
/// answers a GET at once, and a starter that never answers must fail quickly.
const ANSWER_DEADLINE: Duration = Duration::from_secs(3);

/// The checks the track adds to the contract's.
pub fn track_checks() -> Vec<Check> {
    vec![
        Check {
            name: "GET / gets a well-formed HTTP/1.1 response",
            chapter: 4,
            run: responds,
        },
        Check {
            name: "Content-Length counts the body's bytes",
            chapter: 4,
            run: counts_the_body,
        },
        Check {
            name: "with --max-connections 2, a third client is not served while two are",
            chapter: 16,
            run: limits_connections,
        },
    ]
}

/// The answer to `GET /` as it came off the wire, whole or not, within the deadline.
fn first_answer(site: &Site) -> Result<(Vec<u8>, bool), String> {
    let addr = site.addr();
    let request = get_request("/");
    let replay = replay_command(addr, request.as_bytes());
    let mut stream = TcpStream::connect_timeout(&addr, ANSWER_DEADLINE).map_err(|e| {
        format!(
            "could not connect to {addr}: {e}{}\n  request: {replay}",
            gone(site)
        )
    })?;
    stream
        .set_read_timeout(Some(ANSWER_DEADLINE))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("could not send the request: {e}\n  request: {replay}"))?;
    let deadline = Instant::now() + ANSWER_DEADLINE;
    let mut received = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    while Instant::now() < deadline {
        match stream.read(&mut chunk) {
            Ok(0) => return Ok((received, true)),
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
        // Whatever arrives must start like a status line; no need to wait to see more.
        let start = received.len().min(5);
        if !b"HTTP/"[..start].eq(&received[..start]) {
            break;
        }
        if is_whole(&received) {
            return Ok((received, false));
        }
    }
    Ok((received, false))
}

/// Whether `raw` holds a head and as many body bytes as its Content-Length says.
fn is_whole(raw: &[u8]) -> bool {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    match Response::parse(&raw[..end + 4]) {
        Ok(head) => head
            .header("Content-Length")
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|length| raw.len() >= end + 4 + length),
        Err(_) => false,
    }
}

/// A note for a failure when the server has exited.
fn gone(site: &Site) -> &'static str {
    if has_exited(site.server.pid()) {
        ": your server is no longer running; after the ready line it must go on accepting \
         connections, one after another"
    } else {
        ""
    }
}

fn parse_first_answer(site: &Site) -> Result<Response, String> {
    let replay = replay_command(site.addr(), get_request("/").as_bytes());
    let (raw, closed) = first_answer(site)?;
    if raw.is_empty() {
        let why = match gone(site) {
            "" if closed => ": the server closed the connection without a byte",
            note => note,
        };
        return Err(format!(
            "no answer within {ANSWER_DEADLINE:?}{why}\n  request: {replay}"
        ));
    }
    let response = Response::parse(&raw).map_err(|e| {
        format!(
            "the answer is not an HTTP response ({e}); it starts {:?}\n  request: {replay}",
            String::from_utf8_lossy(&raw[..raw.len().min(80)])
        )
    })?;
    if response.version != "HTTP/1.1" || !(100..=599).contains(&response.status) {
        return Err(format!(
            "the status line should be like `HTTP/1.1 200 OK`, got `{} {} {}`\n  request: {replay}",
            response.version, response.status, response.reason
        ));
    }
    Ok(response)
}

fn responds(site: &Site) -> Result<(), String> {
    parse_first_answer(site).map(|_| ())
}

fn counts_the_body(site: &Site) -> Result<(), String> {
    let replay = replay_command(site.addr(), get_request("/").as_bytes());
    let response = parse_first_answer(site)?;
    let Some(length) = response.header("Content-Length") else {
        return Err(format!(
            "no Content-Length header: the client cannot know where the body ends\n  request: {replay}\n  response: {response:?}"
        ));
    };
    match length.parse::<usize>() {
        Ok(n) if n == response.body.len() => Ok(()),
        _ => Err(format!(
            "Content-Length says {length}, but {} body bytes arrived\n  request: {replay}\n  response: {response:?}",
            response.body.len()
        )),
    }
}

/// Whether process `pid` has ended (gone, or a zombie nobody has reaped yet), or does
/// within a moment: a server that closed its listener may still be on its way out.
fn has_exited(pid: u32) -> bool {
    let ended = || match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X"),
        Err(_) => true,
    };
    testkit::wait_until(Duration::from_millis(500), ended)
}

/// The `--idle-timeout` of the server the limit check starts.
const LIMIT_IDLE_SECS: u64 = 10;

/// How long each of the two busy clients keeps the server busy.
const HOLD_MS: u64 = 1500;

/// How much earlier than the first busy client's answer the third client's 200 may
/// arrive and still count as served after it: the two clients' reads race each other.
const RACE_MARGIN: Duration = Duration::from_millis(400);

/// Stage 16: started with `--max-connections 2`, two clients busy with `/sleep` and a
/// third that asks for `/`. A server with a limit serves the third only once one of the
/// two has its answer, or refuses it with 503; a server without one answers it at once.
fn limits_connections(site: &Site) -> Result<(), String> {
    // A generous idle timeout: a design that accepts the third client and queues it
    // (chapter 14's) must not time it out for a wait that is the server's, not its.
    let limited = contract::try_start_site(
        &site.binary,
        site.chapter,
        LIMIT_IDLE_SECS,
        &["--max-connections", "2"],
    )
    .map_err(|why| {
        format!("started with `--max-connections 2` it printed no ready line:\n{why}")
    })?;
    let addr = limited.addr();
    let hold = get_request(&format!("/sleep?ms={HOLD_MS}"));
    let mut busy = Vec::new();
    for _ in 0..2 {
        let mut stream = http::connect(addr);
        stream
            .write_all(hold.as_bytes())
            .map_err(|e| format!("write: {e}"))?;
        busy.push(stream);
    }
    // Both busy clients must have been taken from the backlog before the third
    // connects, or a server that has not got round to one of them yet could fairly
    // serve the third first.
    if !testkit::wait_until(Duration::from_secs(3), || {
        testkit::accept_queue_len(addr) == Some(0)
    }) {
        return Err(format!(
            "two clients connected, but the server did not accept both within 3 s (it must \
             serve two with --max-connections 2)\n  request: {}",
            replay_command(addr, hold.as_bytes())
        ));
    }
    let mut third = http::connect(addr);
    let third_request = get_request("/");
    third
        .write_all(third_request.as_bytes())
        .map_err(|e| format!("write: {e}"))?;

    let start = Instant::now();
    let read = |mut stream: TcpStream| {
        let raw = http::read_until_close(&mut stream);
        (raw, start.elapsed())
    };
    let (busy_answers, third_answer) = std::thread::scope(|scope| {
        let busy: Vec<_> = busy
            .into_iter()
            .map(|stream| scope.spawn(move || read(stream)))
            .collect();
        let third = scope.spawn(move || read(third));
        let busy: Vec<_> = busy
            .into_iter()
            .map(|h| h.join().expect("a reading thread does not panic"))
            .collect();
        (busy, third.join().expect("a reading thread does not panic"))
    });

    let mut first_busy_done = Duration::MAX;
    for (raw, at) in busy_answers {
        let response = Response::parse(&raw?)?;
        if response.status != 200 {
            return Err(format!(
                "with --max-connections 2, each of two clients must be served, but one got {response:?}\n  request: {}",
                replay_command(addr, hold.as_bytes())
            ));
        }
        first_busy_done = first_busy_done.min(at);
    }
    let (raw, third_at) = third_answer;
    let response = Response::parse(&raw?)?;
    match response.status {
        503 => {}
        200 if third_at + RACE_MARGIN >= first_busy_done => {}
        200 => {
            return Err(format!(
                "with --max-connections 2 and two clients busy for {HOLD_MS} ms, a third was \
                 answered after {third_at:?}, before either of them ({first_busy_done:?}): \
                 three served at once\n  request: {}  (while two `{}` are running)",
                replay_command(addr, third_request.as_bytes()),
                replay_command(addr, hold.as_bytes())
            ));
        }
        _ => {
            return Err(format!(
                "a client over the limit should wait or get 503, got {response:?}\n  request: {}",
                replay_command(addr, third_request.as_bytes())
            ));
        }
    }
    // A limit that forgets to give a slot back serves nobody after a while.
    let again = http::get(addr, "/")?;
    if again.status != 200 {
        return Err(format!(
            "once the busy clients had their answers, GET / should be served again, got {again:?}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_is_whole_once_its_body_has_arrived() {
        assert!(!is_whole(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab"));
        assert!(is_whole(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"));
        assert!(!is_whole(b"HTTP/1.1 200 OK\r\n"));
    }
}
