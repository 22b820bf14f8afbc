//! A pool of worker threads fed through a bounded channel, written by hand.
//!
//! This is the lesson, not what a production server would use: `rayon`'s or the
//! `threadpool` crate's pools are tested far harder, and a server that waits on the
//! network most of the time is usually better served by an async runtime (chapter 17).

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};
use webcore::router::panic_message;

/// How a worker takes the next item off the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locking {
    /// Lock the receiver, take one item, unlock, then handle it. The pool as written.
    #[default]
    WhileReceiving,
    /// WRONG ON PURPOSE: keep the receiver locked while handling the item, so the
    /// workers take turns instead of working at once. Kept to show what goes wrong.
    HeldDuringJob,
}

// ANCHOR: pool
/// `threads` workers that each run `handler` on items sent through a queue holding
/// at most `queue` items. The queue is how the accept loop hands work over, and its
/// bound is what keeps a flood of clients from turning into unbounded memory.
pub struct Pool<T> {
    /// `None` once shutdown has begun: dropping the sender is what tells the
    /// workers that no more work will come.
    sender: Option<SyncSender<T>>,
    workers: Vec<JoinHandle<()>>,
    /// Worker threads that are running (busy or waiting for work).
    live: Arc<AtomicUsize>,
}

/// What every worker shares: one receiving end (a `Receiver` has one owner, so the
/// workers take turns through a `Mutex`) and one handler.
struct Shared<T> {
    receiver: Mutex<Receiver<T>>,
    handler: Box<dyn Fn(T) + Send + Sync>,
    live: Arc<AtomicUsize>,
}
// ANCHOR_END: pool

impl<T: Send + 'static> Pool<T> {
    // ANCHOR: new
    /// Starts the workers. Fails only if the system will not give us a thread.
    pub fn new(
        threads: usize,
        queue: usize,
        locking: Locking,
        handler: impl Fn(T) + Send + Sync + 'static,
    ) -> std::io::Result<Pool<T>> {
        let (sender, receiver) = mpsc::sync_channel(queue);
        let live = Arc::new(AtomicUsize::new(0));
        let shared = Arc::new(Shared {
            receiver: Mutex::new(receiver),
            handler: Box::new(handler),
            live: Arc::clone(&live),
        });
        let mut workers = Vec::with_capacity(threads);
        for id in 1..=threads {
            let shared = Arc::clone(&shared);
            shared.live.fetch_add(1, Ordering::SeqCst);
            let worker = thread::Builder::new()
                .name(format!("worker {id}"))
                .spawn(move || {
                    match locking {
                        Locking::WhileReceiving => worker_loop(id, &shared),
                        Locking::HeldDuringJob => worker_loop_lock_held(id, &shared),
                    }
                    shared.live.fetch_sub(1, Ordering::SeqCst);
                });
            match worker {
                Ok(worker) => workers.push(worker),
                Err(e) => {
                    live.fetch_sub(1, Ordering::SeqCst);
                    return Err(e);
                }
            }
        }
        Ok(Pool {
            sender: Some(sender),
            workers,
            live,
        })
    }
    // ANCHOR_END: new

    // ANCHOR: try_submit
    /// Queues `item` for the next free worker, or hands it straight back when the
    /// queue is full: the caller decides what "full" means to its client (a 503).
    /// Never blocks, so the accept loop never waits on the workers.
    pub fn try_submit(&self, item: T) -> Result<(), T> {
        let Some(sender) = &self.sender else {
            return Err(item);
        };
        sender.try_send(item).map_err(|e| match e {
            TrySendError::Full(item) | TrySendError::Disconnected(item) => item,
        })
    }
    // ANCHOR_END: try_submit

    /// Worker threads still running. A panicking job must never make this shrink.
    pub fn live_workers(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    // ANCHOR: shutdown
    /// Stops taking work, lets the workers finish what is queued, and joins them.
    /// Waits at most `limit`; returns how many workers were still busy then (they are
    /// left to die with the process).
    pub fn shutdown(mut self, limit: Duration) -> usize {
        // Closing the channel: each worker's `recv` returns `Err` once the queue is
        // empty, and the worker returns. Items still queued are served first.
        drop(self.sender.take());
        let deadline = Instant::now() + limit;
        while self.workers.iter().any(|w| !w.is_finished()) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        let (finished, stuck): (Vec<_>, Vec<_>) =
            self.workers.drain(..).partition(|w| w.is_finished());
        for worker in finished {
            // A worker never panics (jobs are caught below), so this is Ok; and if
            // it were not, there is nothing left to do about it while exiting.
            let _ = worker.join();
        }
        stuck.len()
    }
    // ANCHOR_END: shutdown
}

// ANCHOR: worker_loop
/// One worker: take an item, handle it, repeat until the channel is closed.
fn worker_loop<T>(id: usize, shared: &Shared<T>) {
    loop {
        // The guard returned by `lock()` is a temporary: it is dropped at the end of
        // this statement. So the lock is held while *waiting* for an item, and
        // released before the item is handled: the next idle worker can wait then.
        let next = shared
            .receiver
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        match next {
            Ok(item) => run_job(id, shared, item),
            Err(_) => return, // the pool is shutting down and the queue is empty
        }
    }
}
// ANCHOR_END: worker_loop

// ANCHOR: worker_loop_lock_held
/// WRONG ON PURPOSE (`--lock-held-during-job`): looks like `worker_loop`, but a
/// `while let` keeps the temporaries of its condition alive for the whole body. The
/// `MutexGuard` is one of them, so the lock stays held while the job runs, and every
/// other worker waits for it: the pool serves one request at a time.
fn worker_loop_lock_held<T>(id: usize, shared: &Shared<T>) {
    while let Ok(item) = shared
        .receiver
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .recv()
    {
        run_job(id, shared, item);
    }
}
// ANCHOR_END: worker_loop_lock_held

// ANCHOR: run_job
/// Runs the handler on one item. A panic ends the job, not the worker: a pool that
/// lost a thread to every bug would shrink until it served no one.
fn run_job<T>(id: usize, shared: &Shared<T>, item: T) {
    // AssertUnwindSafe: the handler only reads what it shares with other jobs, so a
    // job that stops half-way leaves nothing half-changed for the next one.
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| (shared.handler)(item))) {
        webcore::log::line(format_args!(
            "worker {id}: a job panicked ({}); carrying on",
            panic_message(&*payload)
        ));
    }
}
// ANCHOR_END: run_job

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::sync::mpsc::channel;

    /// A job is either a panic or a wait at a shared barrier; the barrier only opens
    /// when `parties` jobs stand at it at once, which needs that many live workers.
    enum Job {
        Panic,
        Meet(Arc<Barrier>, mpsc::Sender<String>),
    }

    fn handler(job: Job) {
        match job {
            Job::Panic => panic!("a bug in one request"),
            Job::Meet(barrier, done) => {
                barrier.wait();
                let name = thread::current().name().unwrap_or("?").to_string();
                done.send(name).unwrap();
            }
        }
    }

    #[test]
    fn a_panicking_job_does_not_shrink_the_pool() {
        let threads = 3;
        let pool = Pool::new(threads, 16, Locking::WhileReceiving, handler).unwrap();
        assert_eq!(pool.live_workers(), threads);
        for _ in 0..threads {
            pool.try_submit(Job::Panic).ok().unwrap();
        }
        // Then `threads` jobs that can only finish together, each on its own worker.
        let barrier = Arc::new(Barrier::new(threads));
        let (done_tx, done_rx) = channel();
        for _ in 0..threads {
            let job = Job::Meet(Arc::clone(&barrier), done_tx.clone());
            pool.try_submit(job).ok().unwrap();
        }
        let mut names: Vec<String> = (0..threads)
            .map(|_| done_rx.recv_timeout(Duration::from_secs(10)).unwrap())
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), threads, "every worker took part: {names:?}");
        assert_eq!(pool.live_workers(), threads);
        assert_eq!(pool.shutdown(Duration::from_secs(5)), 0);
    }

    #[test]
    fn a_full_queue_hands_the_item_back() {
        // One worker, stuck at a barrier until we say so; a queue of one.
        let gate = Arc::new(Barrier::new(2));
        let pool = Pool::new(1, 1, Locking::WhileReceiving, handler).unwrap();
        let (done_tx, done_rx) = channel();
        pool.try_submit(Job::Meet(Arc::clone(&gate), done_tx.clone()))
            .ok()
            .unwrap();
        // The worker may or may not have taken the first job yet: at most two fit.
        let mut accepted = 1;
        let mut refused = 0;
        for _ in 0..3 {
            match pool.try_submit(Job::Meet(Arc::new(Barrier::new(1)), done_tx.clone())) {
                Ok(()) => accepted += 1,
                Err(_) => refused += 1,
            }
        }
        assert!(accepted <= 2 && refused >= 2, "{accepted} {refused}");
        gate.wait();
        for _ in 0..accepted {
            done_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        }
        assert_eq!(pool.shutdown(Duration::from_secs(5)), 0);
    }

    #[test]
    fn shutdown_serves_what_is_queued_then_joins_every_worker() {
        let pool = Pool::new(2, 8, Locking::WhileReceiving, handler).unwrap();
        let (done_tx, done_rx) = channel();
        for _ in 0..6 {
            let job = Job::Meet(Arc::new(Barrier::new(1)), done_tx.clone());
            pool.try_submit(job).ok().unwrap();
        }
        let live = Arc::clone(&pool.live);
        assert_eq!(pool.shutdown(Duration::from_secs(5)), 0);
        assert_eq!(done_rx.try_iter().count(), 6, "the queue was drained");
        assert_eq!(live.load(Ordering::SeqCst), 0, "every worker ended");
    }
}
