//! Shared test support for the workbook.
//!
//! - [`Server`] starts a chapter binary on port 0 and waits for its ready line.
//! - [`http`] sends exact bytes over real TCP and parses what comes back, with deadlines.
//! - [`wait_until`] polls a condition with a deadline, so no test sleeps to synchronise.

#![forbid(unsafe_code)]

pub mod contract;
pub mod http;
mod server;

pub use server::{READY_TIMEOUT, Server, ready_address};

use std::time::{Duration, Instant};

/// Polls `condition` every few milliseconds until it holds or `timeout` passes.
/// Returns whether it held.
pub fn wait_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The workspace's root folder, found from this crate's location at compile time.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("support/testkit lives two folders below the workspace root")
}
