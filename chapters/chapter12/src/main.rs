//! `chapter12`: the workbook's load generator. See `lib.rs` for how it works.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

// ANCHOR: main
fn main() -> ExitCode {
    let args = chapter12::Args::parse(); // bad flags: a message and exit code 2
    match chapter12::run(&args) {
        Ok(report) => {
            if args.json {
                println!("{}", report.to_json());
            } else {
                print!("{}", report.to_text());
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
// ANCHOR_END: main
