//! Chapter 11: the blocking problem. Chapter 10's server plus two slow routes,
//! `/sleep?ms=N` (waiting, like a slow database) and `/cpu?ms=N` (computing). Served
//! one connection at a time, one slow request makes everyone behind it wait.
//! `cargo run -p chapter11 --bin ten-at-once` shows it.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use webcore::Router;

// ANCHOR: main
fn main() -> ExitCode {
    // The only new line: chapter 10's server, with the slow routes added to its site.
    chapter10::main_with(
        "chapter11",
        "Serve the site plus /sleep and /cpu, one connection at a time, until a signal.",
        Router::with_slow_routes,
    )
}
// ANCHOR_END: main
