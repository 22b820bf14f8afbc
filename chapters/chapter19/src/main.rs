//! `chapter19`: the comparison runner. See `lib.rs` for how it works.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

// ANCHOR: main
fn main() -> ExitCode {
    let args = chapter19::Args::parse(); // bad flags: a message and exit code 2
    match chapter19::run(&args) {
        Ok(()) => {
            println!("results in {}", args.out.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
// ANCHOR_END: main
