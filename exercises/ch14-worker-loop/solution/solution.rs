//! Reference solution for ch14-worker-loop.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, PoisonError};

/// A job: any closure a worker can run once.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Runs jobs from `receiver` until the channel is closed and empty.
pub fn worker_loop(receiver: Arc<Mutex<Receiver<Job>>>) {
    loop {
        // The guard is a temporary of this `let` statement: dropped at its `;`, before
        // the job runs, so the next idle worker can wait for the next job meanwhile.
        // A poisoned lock only means another thread panicked while holding it; the
        // receiver inside is fine, so take it anyway.
        let next = receiver
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        let Ok(job) = next else {
            return; // every sender is gone and the queue is empty
        };
        // The job owns everything it touches, so nothing is left half-changed here
        // when it panics: AssertUnwindSafe is sound.
        if panic::catch_unwind(AssertUnwindSafe(job)).is_err() {
            eprintln!("a job panicked; this worker carries on");
        }
    }
}
