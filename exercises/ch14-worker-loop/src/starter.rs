//! Exercise ch14-worker-loop
//!
//! Every worker of a thread pool runs this loop: take the next job from the shared
//! receiver, run it, repeat; return when the channel is closed. This version compiles
//! and looks right, yet the pool it drives runs one job at a time, and one panicking
//! job kills its worker for good. Fix both:
//! - hold the lock only while receiving, never while the job runs;
//! - a job that panics must not end the worker (nor poison the lock for the others).
//!
//! Judge your attempt with `cargo run -p ch14-worker-loop`.

use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

/// A job: any closure a worker can run once.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Runs jobs from `receiver` until the channel is closed and empty.
// ANCHOR: starter
pub fn worker_loop(receiver: Arc<Mutex<Receiver<Job>>>) {
    // TODO: `while let` keeps its condition's temporaries, the `MutexGuard` included,
    // alive for the whole body: the lock is held while the job runs. Receive in a
    // statement of its own, so the guard is dropped before the job starts.
    while let Ok(job) = receiver
        .lock()
        .expect("no worker panics holding the lock")
        .recv()
    {
        // TODO: a panic in `job` must not end this loop (see std::panic::catch_unwind).
        job();
    }
}
// ANCHOR_END: starter
