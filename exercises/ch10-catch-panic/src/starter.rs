//! Exercise ch10-catch-panic
//!
//! `respond` runs a request handler and turns its answer into a status and a body. A
//! handler with a bug may panic; today that panic unwinds out of `respond` and, in a
//! server, out of the accept loop: one bad request kills the process.
//!
//! Catch it: when the handler panics, answer `(500, body)` where the body contains the
//! panic's message (a panic message is a `&str` or a `String`; for anything else, say
//! so), and return normally, so the server can serve the next request.
//!
//! Judge your attempt with `cargo run -p ch10-catch-panic`.

/// A request handler: takes the path, returns the page.
pub type Handler = fn(&str) -> String;

/// Runs `handler` for `path`: `(200, page)`, or `(500, why)` if the handler panicked.
pub fn respond(handler: Handler, path: &str) -> (u16, String) {
    // TODO: run the handler inside `std::panic::catch_unwind`, and turn a panic into
    // `(500, a body that contains the panic's message)`.
    let page = handler(path);
    (200, page)
}
