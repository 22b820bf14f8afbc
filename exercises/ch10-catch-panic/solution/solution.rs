//! Reference solution for ch10-catch-panic.

use std::any::Any;
use std::panic;

/// A request handler: takes the path, returns the page.
pub type Handler = fn(&str) -> String;

/// Runs `handler` for `path`: `(200, page)`, or `(500, why)` if the handler panicked.
pub fn respond(handler: Handler, path: &str) -> (u16, String) {
    // A `fn` pointer and a `&str` are unwind-safe: nothing half-changed can leak out.
    match panic::catch_unwind(|| handler(path)) {
        Ok(page) => (200, page),
        Err(payload) => (500, format!("internal error: {}", message(&*payload))),
    }
}

/// The text of a panic: `panic!("literal")` carries a `&str`, `panic!("{x}")` a `String`.
fn message(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "a panic without a message"
    }
}
