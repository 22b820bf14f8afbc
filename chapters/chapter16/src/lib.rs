//! Chapter 16: timers and limits in the event loop. Chapter 15's loop (imported, not
//! copied), with deadlines kept in order so `poll` sleeps exactly until the next one,
//! a cap on open connections, a budget for bytes held for slow readers, and `/cpu`
//! handed to a few worker threads so the loop never computes.
//!
//! - [`event_loop`]: the loop, one [`event_loop::Server`] per thread;
//! - [`timers`]: every deadline, in order;
//! - [`budget`]: the unsent response bytes, in all;
//! - [`cpu_pool`]: the workers.
#![forbid(unsafe_code)]

pub mod budget;
pub mod cli;
pub mod cpu_pool;
pub mod event_loop;
pub mod timers;

use std::io;
use std::sync::Arc;

use mio::net::TcpListener;
use mio::{Poll, Waker};
use webcore::Router;
use webcore::connection::ConnectionOptions;

use chapter15::connections::WAKER;
use cpu_pool::CpuPool;
use event_loop::{Limits, Server};

// ANCHOR: prepare
/// One event loop, ready to run: its `Poll`, the `Waker` that rings it (a signal, or a
/// CPU worker with an answer ready), and its server with `cpu_threads` workers.
pub fn prepare(
    listener: TcpListener,
    router: Router,
    options: ConnectionOptions,
    limits: Limits,
    cpu_threads: usize,
) -> io::Result<(Poll, Arc<Waker>, Server)> {
    let poll = Poll::new()?;
    let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
    // At most 16 jobs wait per worker; beyond that, /cpu answers 503 at once rather
    // than keep a client waiting longer than it likely will.
    let cpu = CpuPool::new(cpu_threads, cpu_threads * 16, Arc::clone(&waker))?;
    let server = Server::new(listener, router, options, limits, cpu);
    Ok((poll, waker, server))
}
// ANCHOR_END: prepare
