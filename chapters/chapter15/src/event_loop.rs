//! The readiness loop: one thread asks the kernel "which of these sockets can make
//! progress?" (`Poll::poll`), does exactly that progress on each, and asks again.

use std::io;
use std::time::{Duration, Instant};

use mio::net::TcpListener;
use mio::{Events, Interest, Poll, Registry, Token};
use webcore::connection::ConnectionOptions;
use webcore::shutdown::Shutdown;
use webcore::{Plan, Request, Router, log, router, slow};

use crate::connections::{Accepting, Connections, LISTENER, WAKER, accept_waiting};

// ANCHOR: sweep_every
/// Chapter 15 has no timer structure: `poll` returns at least this often, and a sweep
/// over every connection acts on the deadlines that have passed (idle timeouts, the end
/// of a `/sleep`). Coarse on purpose: a deadline fires up to this late. Chapter 16
/// replaces the sweep with timers that wake the loop exactly when something is due.
const SWEEP_EVERY: Duration = Duration::from_millis(250);
// ANCHOR_END: sweep_every

/// Everything the loop owns.
struct Server {
    /// `None` once shutdown has begun: no new connections.
    listener: Option<TcpListener>,
    connections: Connections,
    /// An `accept` failed for lack of resources (`EMFILE`): retry on the next pass,
    /// because the edge-triggered listener will not tell us again about clients
    /// already waiting in the backlog.
    accept_again: bool,
    router: Router,
    options: ConnectionOptions,
}

// ANCHOR: run
/// Serves until `shutdown` is requested, then lets the connections in flight finish
/// (for at most `drain`). `poll` must have a waker registered as [`WAKER`]: a signal
/// wakes it through that. Returns an error only when the listening socket breaks.
pub fn run(
    mut poll: Poll,
    mut listener: TcpListener,
    router: Router,
    options: ConnectionOptions,
    drain: Duration,
    shutdown: &Shutdown,
) -> io::Result<()> {
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut server = Server {
        listener: Some(listener),
        connections: Connections::default(),
        accept_again: false,
        router,
        options,
    };
    let mut events = Events::with_capacity(1024);
    let mut last_sweep = Instant::now();
    let mut draining_since = None;
    loop {
        wait_for_events(&mut poll, &mut events, Some(SWEEP_EVERY))?;
        for event in events.iter() {
            match event.token() {
                LISTENER => server.accept(poll.registry())?,
                WAKER => {} // a signal: the shutdown flag is checked below
                token => server.on_event(poll.registry(), token, event),
            }
        }
        if server.accept_again {
            server.accept(poll.registry())?;
        }
        if last_sweep.elapsed() >= SWEEP_EVERY {
            server.sweep(poll.registry());
            last_sweep = Instant::now();
        }
        // The log lines of this turn, in one write (webcore's `log::buffer_this_thread`).
        log::flush();
        if shutdown.is_requested() {
            let since = *draining_since.get_or_insert_with(|| server.stop_accepting(&poll));
            if server.connections.is_empty() || since.elapsed() > drain {
                // The lines of this last turn (the stop, say) must not stay in the buffer.
                log::flush();
                return Ok(());
            }
        }
    }
}
// ANCHOR_END: run

/// `poll`, except that a signal interrupting it is no error: the loop just goes round.
pub fn wait_for_events(
    poll: &mut Poll,
    events: &mut Events,
    timeout: Option<Duration>,
) -> io::Result<()> {
    match poll.poll(events, timeout) {
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
        other => other,
    }
}

impl Server {
    /// The listener is readable (or an accept failed earlier): take everyone waiting.
    fn accept(&mut self, registry: &Registry) -> io::Result<()> {
        let Some(listener) = &self.listener else {
            return Ok(());
        };
        let accepted = accept_waiting(
            listener,
            registry,
            &mut self.connections,
            &self.options,
            usize::MAX,
        )?;
        // After a shortage, look again on the next pass (at most a sweep away).
        self.accept_again = matches!(accepted.stopped, Accepting::BackOff(_));
        Ok(())
    }

    // ANCHOR: on_event
    /// A connection's socket is ready for something: let its state machine act, and
    /// answer every request that comes out of it.
    fn on_event(&mut self, registry: &Registry, token: Token, event: &mio::event::Event) {
        let Some(connection) = self.connections.get_mut(token) else {
            return; // a stale event for a connection closed earlier in this batch
        };
        let request = connection.on_event(event, Instant::now());
        self.answer(token, request);
        self.connections.settle(registry, token);
    }
    // ANCHOR_END: on_event

    // ANCHOR: answer
    /// Answers `request` on connection `token`, and the pipelined requests after it.
    fn answer(&mut self, token: Token, mut request: Option<Request>) {
        let Some(connection) = self.connections.get_mut(token) else {
            return;
        };
        while let Some(next) = request.take() {
            let now = Instant::now();
            request = match self.router.plan_or_500(&next, connection.peer()) {
                Plan::Respond(response) => connection.respond(&response, now),
                // Not a `thread::sleep`: note when the answer is due and go back to the
                // loop. The sweep sends it (`on_deadline`).
                Plan::Sleep(duration) => {
                    connection.answer_at(now + duration, slow::sleep_done(duration));
                    None
                }
                // WRONG ON PURPOSE (chapter 16 fixes it): CPU work runs right here, on
                // the loop's only thread, and every other client waits until it is done.
                Plan::Compute(duration) => {
                    let response = slow::burn_cpu(duration);
                    connection.respond(&response, Instant::now())
                }
                // This loop keeps no timers that are not a connection's (chapter 16's
                // do): the deferred work sleeps on a thread of its own.
                Plan::RespondThen(response, after) => {
                    router::defer_on_thread(after);
                    connection.respond(&response, now)
                }
            };
        }
    }
    // ANCHOR_END: answer

    /// Acts on every deadline that has passed.
    fn sweep(&mut self, registry: &Registry) {
        let now = Instant::now();
        for token in self.connections.tokens() {
            let request = self
                .connections
                .get_mut(token)
                .and_then(|connection| connection.on_deadline(now));
            self.answer(token, request);
            self.connections.settle(registry, token);
        }
    }

    /// Shutdown: close the listener (new clients are refused at once), close the
    /// connections that sit between requests. Returns when that happened.
    fn stop_accepting(&mut self, poll: &Poll) -> Instant {
        if let Some(mut listener) = self.listener.take() {
            let _ = poll.registry().deregister(&mut listener);
        }
        self.connections.stop_when_idle(poll.registry());
        log::event(
            "server",
            &format!(
                "stopped accepting; {} connection(s) still open",
                self.connections.len()
            ),
        );
        Instant::now()
    }
}
