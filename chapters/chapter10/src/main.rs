//! Chapter 10: serving forever. The loop from chapter 09 becomes one nothing can stop
//! but a signal: every request has a deadline, a panicking handler costs one 500, a
//! client that vanishes costs a log line, and SIGINT/SIGTERM end it cleanly.
//!
//! Everything the chapter calls lives in `webcore` (chapters 13 and 14 reuse it from
//! their own threads) and in `lib.rs` (chapter 11 reuses this whole program).
#![forbid(unsafe_code)]

use std::process::ExitCode;

// ANCHOR: main
fn main() -> ExitCode {
    // The site as chapter 09 routes it: no route added.
    chapter10::main_with(
        "chapter10",
        "Serve the site one connection at a time, surviving every client, until a signal.",
        |site| site,
    )
}
// ANCHOR_END: main
