//! The build-your-own track's checker.
//!
//! The learner grows one server in `track/your-server`, and this checker judges it the
//! way the book's tests judge the chapters: the contract suite
//! (`support/testkit/src/contract.rs`), chapter by chapter, in stages that follow the
//! book ([`stages`]). `cargo run -p build-your-own -- --stage 07` runs every check up to
//! chapter 07 and prints each failure with its request as a replay line and a hint that
//! names the book's page ([`judge`]); `cargo run -p build-your-own -- progress` shows
//! every exercise and stage, and the next thing to do ([`progress`]).
#![forbid(unsafe_code)]

pub mod cargo;
pub mod checks;
pub mod judge;
pub mod progress;
pub mod stages;
