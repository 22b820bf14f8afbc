//! Exercise ch18-keep-alive-decision
//!
//! Chapter 18 keeps a connection open after an answer, so the client's next request
//! needs no new TCP handshake. After every answer the server decides: keep the
//! connection open for another request, or close it. Write that decision:
//!
//! - HTTP/1.1: keep it open, unless the client's `Connection` header holds `close`;
//! - HTTP/1.0: close it, unless the `Connection` header holds `keep-alive`;
//! - either way, close once the connection has had `max_requests` answers: the server's
//!   cap, so one client cannot keep a connection (and the slot it holds) for ever.
//!
//! `connection` is the value of the request's `Connection` header (`None` without
//! one). It is a comma-separated list of tokens, with optional spaces, and tokens are
//! compared without regard to case: `Connection: Upgrade, Close` asks to close.
//!
//! `answered` is how many answers the connection had *before* this one. With
//! `max_requests = 2`, the first answer (`answered = 0`) keeps the connection open and
//! the second (`answered = 1`) closes it: exactly 2 answers.
//!
//! `Version`, the request's HTTP version, is defined in `src/given.rs`.
//!
//! Judge your attempt with `cargo run -p ch18-keep-alive-decision`.

use crate::given::Version;

/// Whether the connection stays open after the answer to this request.
// ANCHOR: starter
pub fn keeps_alive(
    version: Version,
    connection: Option<&str>,
    answered: usize,
    max_requests: usize,
) -> bool {
    // TODO: what the client wants. Split `connection` at commas, `trim` each token and
    // compare it with `eq_ignore_ascii_case`: HTTP/1.1 wants to stay open unless a
    // token is `close`, HTTP/1.0 only if a token is `keep-alive`.
    let _ = (version, connection); // (delete this line once you use them)
    let client_wants = true;

    // TODO: the server's cap: this answer is number `answered + 1`; keep the
    // connection open only if another one may follow it.
    let _ = (answered, max_requests); // (delete this line once you use them)
    client_wants
}
// ANCHOR_END: starter
