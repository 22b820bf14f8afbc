//! Exercise ch13-thread-names
//!
//! Chapter 13 starts a thread per connection. When one of them panics, Rust prints
//! `thread '<unnamed>' panicked at ...`: which connection was that? Start each worker
//! thread with the name `worker N` (`worker 1`, `worker 2`, ...), so panic messages,
//! debuggers and `top -H` say which worker it was. And report a failure to start the
//! thread to the caller instead of panicking: a server out of threads should turn one
//! client away, not die.
//!
//! Judge your attempt with `cargo run -p ch13-thread-names`.

use std::io;
use std::thread::{self, JoinHandle};

/// Starts the thread for connection number `id`, running `job` on it.
// ANCHOR: starter
pub fn spawn_worker(id: u64, job: impl FnOnce() + Send + 'static) -> io::Result<JoinHandle<()>> {
    // TODO: use `thread::Builder` to name the thread `worker {id}`, and return its
    // error instead of letting `thread::spawn` panic when no thread can be started.
    let _ = id;
    Ok(thread::spawn(job))
}
// ANCHOR_END: starter
