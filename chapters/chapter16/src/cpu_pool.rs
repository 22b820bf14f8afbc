//! CPU work off the loop: a few worker threads compute `/cpu` answers and hand them
//! back through a channel, waking the loop with its `Waker`.

use std::io;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use mio::{Token, Waker};
use webcore::{Response, slow};

/// A computation to run: which connection it is for, and how long it burns.
struct Job {
    token: Token,
    duration: Duration,
}

/// A finished computation, for connection `token`.
pub struct Done {
    pub token: Token,
    pub response: Response,
}

/// The queue is full: answer 503 rather than queue without bound.
#[derive(Debug)]
pub struct Busy;

// ANCHOR: pool
/// `threads` workers sharing one bounded queue of jobs. Results come back on a second
/// channel; after sending one, a worker wakes the loop, which is asleep in `poll` and
/// would otherwise not look at the channel until some socket had news.
pub struct CpuPool {
    jobs: SyncSender<Job>,
    results: Receiver<Done>,
}

impl CpuPool {
    pub fn new(threads: usize, queue: usize, waker: Arc<Waker>) -> io::Result<CpuPool> {
        let (jobs, job_queue) = mpsc::sync_channel::<Job>(queue);
        let (done, results) = mpsc::channel();
        // One receiver, many workers: each takes the lock only to pick up a job.
        let job_queue = Arc::new(Mutex::new(job_queue));
        for n in 0..threads {
            let job_queue = Arc::clone(&job_queue);
            let done = done.clone();
            let waker = Arc::clone(&waker);
            thread::Builder::new()
                .name(format!("cpu {n}"))
                .spawn(move || {
                    loop {
                        // The guard is dropped at the end of this statement, before
                        // the work: holding it would let only one worker compute.
                        let job = job_queue.lock().map(|queue| queue.recv());
                        let Ok(Ok(job)) = job else {
                            return; // the pool was dropped: the server is stopping
                        };
                        let response = slow::burn_cpu(job.duration);
                        let token = job.token;
                        if done.send(Done { token, response }).is_err() {
                            return;
                        }
                        // If waking fails the loop is gone too; nothing to tell.
                        let _ = waker.wake();
                    }
                })?;
        }
        Ok(CpuPool { jobs, results })
    }

    /// Queues a computation for `token`, or says `Busy` when the queue is full.
    pub fn submit(&self, token: Token, duration: Duration) -> Result<(), Busy> {
        match self.jobs.try_send(Job { token, duration }) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Err(Busy),
        }
    }

    /// The next finished computation, if any; never blocks.
    pub fn finished(&self) -> Option<Done> {
        // Empty: nothing yet. Disconnected (every worker gone): nothing more, ever.
        self.results.try_recv().ok()
    }
}
// ANCHOR_END: pool
