//! Reference solution for ch13-thread-names.

use std::io;
use std::thread::{self, JoinHandle};

/// Starts the thread for connection number `id`, running `job` on it.
pub fn spawn_worker(id: u64, job: impl FnOnce() + Send + 'static) -> io::Result<JoinHandle<()>> {
    // `thread::spawn` is `Builder::new().spawn(..).unwrap()`: the builder lets us name
    // the thread and keep the error (EAGAIN when the system is out of threads).
    thread::Builder::new()
        .name(format!("worker {id}"))
        .spawn(job)
}
