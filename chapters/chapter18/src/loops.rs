//! One event loop per core: chapter 16's loop, N times, each on its own thread with its
//! own `Poll`, connections, timers and CPU workers. They share nothing but the port
//! and the shutdown flag.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use chapter16::event_loop::Limits;
use mio::Waker;
use mio::net::TcpListener;
use webcore::Router;
use webcore::connection::ConnectionOptions;
use webcore::shutdown::Shutdown;

/// What every loop is given.
#[derive(Debug, Clone, Copy)]
pub struct PerLoop {
    pub options: ConnectionOptions,
    pub limits: Limits,
    pub cpu_threads: usize,
    pub drain: Duration,
}

// ANCHOR: run_loops
/// Runs one loop per listener until SIGINT/SIGTERM, and returns once every loop has
/// drained. `router` builds each loop's router (each gets its own file cache, so no
/// two loops ever wait on each other). Announces `addr` once all loops are ready.
pub fn run_loops(
    listeners: Vec<TcpListener>,
    router: impl Fn() -> Router,
    each: PerLoop,
    addr: SocketAddr,
) -> io::Result<()> {
    let mut prepared = Vec::new();
    for listener in listeners {
        let loop_parts = chapter16::prepare(
            listener,
            router(),
            each.options,
            each.limits,
            each.cpu_threads,
        )?;
        prepared.push(loop_parts);
    }
    // One signal thread; its wake-up rings every loop's waker.
    let wakers: Vec<Arc<Waker>> = prepared
        .iter()
        .map(|(_, waker, _)| Arc::clone(waker))
        .collect();
    let wake_all = move || {
        for waker in &wakers {
            let _ = waker.wake();
        }
    };
    let shutdown = Shutdown::on_signal(wake_all.clone())?;
    let loops = prepared.len();
    let (done, finished) = mpsc::channel();
    thread::scope(|scope| {
        for (n, (poll, _waker, server)) in prepared.into_iter().enumerate() {
            let (shutdown, done) = (&shutdown, done.clone());
            let spawned = thread::Builder::new()
                .name(format!("loop {n}"))
                .spawn_scoped(scope, move || {
                    // Each loop writes its log lines once per turn.
                    webcore::log::buffer_this_thread();
                    let result = server.run(poll, each.drain, shutdown);
                    webcore::log::flush();
                    let _ = done.send(result);
                });
            if let Err(e) = spawned {
                // Rather than serve on fewer cores than asked, stop the loops started.
                shutdown.request();
                wake_all();
                return Err(e);
            }
        }
        // Every loop runs: now say where we listen.
        webcore::ready::announce(addr);
        drop(done); // only the loops hold senders now
        // A loop that fails (its listener broke) stops the others too: a server that
        // quietly lost a core's worth of accepting is worse than one that says so.
        let mut first_error = None;
        for result in finished.iter().take(loops) {
            if let Err(e) = result {
                shutdown.request();
                wake_all();
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    })
}
// ANCHOR_END: run_loops
