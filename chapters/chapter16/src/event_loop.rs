//! Chapter 15's readiness loop, with what a server needs to run unattended: timers
//! that tell `poll` exactly how long it may sleep, a cap on open connections, a budget
//! for response bytes held for slow readers, and CPU work on worker threads that
//! report back through the loop's `Waker`. One idea behind all four: **the loop never
//! blocks, and nothing it holds grows without bound.**
//!
//! The connection state machine and its table are chapter 15's, imported: this file
//! holds only what chapter 16 adds.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::time::{Duration, Instant};

use chapter15::connections::{Accepting, Connections, LISTENER, WAKER, accept_waiting};
use chapter15::event_loop::wait_for_events;
use mio::net::TcpListener;
use mio::{Events, Interest, Poll, Registry, Token};
use webcore::connection::ConnectionOptions;
use webcore::router::Deferred;
use webcore::shutdown::Shutdown;
use webcore::{Plan, Request, Response, Router, Status, log, slow};

use crate::budget::OutputBudget;
use crate::cpu_pool::CpuPool;
use crate::timers::Timers;

/// The limits chapter 16 adds.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Open connections at most; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// Unsent response bytes, summed over all connections, above which no new answer
    /// is started (backpressure).
    pub max_output_bytes: usize,
}

/// A request waiting for the output budget: its connection, how many answers that
/// connection had given when it parked (so a later request is never answered in its
/// place), and the request.
struct Parked {
    token: Token,
    answered: usize,
    request: Request,
}

/// Everything one loop owns. Chapter 18 runs one of these per core.
pub struct Server {
    /// `None` once shutdown has begun: no new connections.
    listener: Option<TcpListener>,
    connections: Connections,
    /// Every connection's deadline, earliest first.
    timers: Timers,
    budget: OutputBudget,
    /// Requests waiting for the output budget, oldest first.
    parked: VecDeque<Parked>,
    /// When to accept again: clients may wait in the backlog that no event will
    /// announce (we stopped at the cap, or for lack of file descriptors).
    accept_again: Option<Instant>,
    /// Whether we already said that the cap was reached (say it once, not per client).
    cap_logged: bool,
    router: Router,
    options: ConnectionOptions,
    limits: Limits,
    cpu: CpuPool,
    /// Work planned for after an answer (`/later`), by the timer token it waits under.
    /// Dropped with the server, a `Deferred` still here logs that it never ran.
    deferred: HashMap<Token, Deferred>,
    /// Tokens handed out to deferred work so far: they count down from `usize::MAX`,
    /// never reused, so they never meet a connection's (which count up from 2).
    deferred_ever: usize,
}

/// How soon to look again when something may be waiting that no event will announce.
const RETRY: Duration = Duration::from_millis(100);

impl Server {
    pub fn new(
        listener: TcpListener,
        router: Router,
        options: ConnectionOptions,
        limits: Limits,
        cpu: CpuPool,
    ) -> Server {
        Server {
            listener: Some(listener),
            connections: Connections::default(),
            timers: Timers::default(),
            budget: OutputBudget::new(limits.max_output_bytes),
            parked: VecDeque::new(),
            accept_again: None,
            cap_logged: false,
            router,
            options,
            limits,
            cpu,
            deferred: HashMap::new(),
            deferred_ever: 0,
        }
    }

    // ANCHOR: run
    /// Serves until `shutdown` is requested, then lets the connections in flight
    /// finish (for at most `drain`). `poll` must have the CPU pool's waker registered
    /// as [`WAKER`]. Returns an error only when the listening socket breaks.
    pub fn run(mut self, mut poll: Poll, drain: Duration, shutdown: &Shutdown) -> io::Result<()> {
        if let Some(listener) = &mut self.listener {
            poll.registry()
                .register(listener, LISTENER, Interest::READABLE)?;
        }
        let mut events = Events::with_capacity(1024);
        let mut draining_since = None;
        loop {
            // Sleep until the next deadline or an event. No more waking four times a
            // second to look around.
            let timeout = self.sleep_at_most(draining_since.is_some());
            wait_for_events(&mut poll, &mut events, timeout)?;
            let registry = poll.registry();
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.accept(registry)?,
                    WAKER => self.collect_computed(registry),
                    token => self.on_event(registry, token, event),
                }
            }
            self.fire_timers(registry);
            self.unpark(registry);
            if self.accept_again.is_some_and(|at| at <= Instant::now()) {
                self.accept(registry)?;
            }
            log::flush();
            if shutdown.is_requested() {
                let since = *draining_since.get_or_insert_with(|| self.stop_accepting(&poll));
                if self.connections.is_empty() || since.elapsed() > drain {
                    // The lines of this last turn (the stop, say) must not stay in the buffer.
                    log::flush();
                    return Ok(());
                }
            }
        }
    }
    // ANCHOR_END: run

    /// How long `poll` may sleep: until the next timer, and no longer than a pending
    /// accept retry or (while draining) a look at whether everyone is done.
    fn sleep_at_most(&self, draining: bool) -> Option<Duration> {
        let now = Instant::now();
        let mut timeout = self.timers.timeout(now);
        let retry = self
            .accept_again
            .map(|at| at.saturating_duration_since(now));
        for bound in [retry, draining.then_some(RETRY)].into_iter().flatten() {
            timeout = Some(timeout.map_or(bound, |t| t.min(bound)));
        }
        timeout
    }

    // ANCHOR: accept
    /// Accepts waiting clients until `WouldBlock` or the cap. At the cap the rest stay
    /// in the kernel's backlog, and we come back for them when a connection closes.
    fn accept(&mut self, registry: &Registry) -> io::Result<()> {
        let Some(listener) = &self.listener else {
            return Ok(());
        };
        let room = self
            .limits
            .max_connections
            .saturating_sub(self.connections.len());
        let accepted = accept_waiting(
            listener,
            registry,
            &mut self.connections,
            &self.options,
            room,
        )?;
        self.accept_again = match accepted.stopped {
            Accepting::Done => {
                self.cap_logged = false;
                None
            }
            Accepting::Full => {
                if !self.cap_logged {
                    let open = self.connections.len();
                    let why =
                        format!("{open} connections open (--max-connections): new clients wait");
                    log::event("server", &why);
                    self.cap_logged = true;
                }
                // A closing connection frees a slot; look again soon either way.
                Some(Instant::now() + RETRY)
            }
            Accepting::BackOff(pause) => Some(Instant::now() + pause),
        };
        // The new connections' idle deadlines go into the timers.
        for token in accepted.tokens {
            self.settle(registry, token);
        }
        Ok(())
    }
    // ANCHOR_END: accept

    /// A connection's socket is ready for something: let its state machine act.
    fn on_event(&mut self, registry: &Registry, token: Token, event: &mio::event::Event) {
        let Some(connection) = self.connections.get_mut(token) else {
            return; // closed earlier in this batch
        };
        let request = connection.on_event(event, Instant::now());
        self.answer(token, request);
        self.settle(registry, token);
    }

    // ANCHOR: answer
    /// Answers `request` on connection `token`, and the pipelined requests after it:
    /// at once, on a timer (`/sleep`), on a worker thread (`/cpu`), or later, when the
    /// output budget has room again.
    fn answer(&mut self, token: Token, mut request: Option<Request>) {
        while let Some(next) = request.take() {
            let Some(connection) = self.connections.get_mut(token) else {
                return;
            };
            let now = Instant::now();
            if self.budget.is_spent() {
                // Backpressure: no new answer while too many bytes wait for slow
                // readers. If none frees up in time, the connection answers 503 itself.
                log::event(
                    connection.peer(),
                    "parked: the output budget (--max-output-mib) is spent",
                );
                connection.answer_at(
                    now + self.options.idle_timeout,
                    busy("the server is busy sending"),
                );
                let answered = connection.answered();
                self.parked.push_back(Parked {
                    token,
                    answered,
                    request: next,
                });
                return;
            }
            request = match self.router.plan_or_500(&next, connection.peer()) {
                Plan::Respond(response) => connection.respond(&response, now),
                Plan::Sleep(duration) => {
                    connection.answer_at(now + duration, slow::sleep_done(duration));
                    None
                }
                // Chapter 15 computed right here and stopped every other client. Now a
                // worker thread does it; a full queue is refused at once, not queued.
                Plan::Compute(duration) => match self.cpu.submit(token, duration) {
                    Ok(()) => {
                        connection.await_answer();
                        None
                    }
                    Err(_busy) => connection.respond(&busy("too much CPU work queued"), now),
                },
                // Answer now; the work waits in the same timers as every deadline, under
                // a token of its own (`fire_timers` runs it).
                Plan::RespondThen(response, after) => {
                    let work = Token(usize::MAX - self.deferred_ever);
                    self.deferred_ever += 1;
                    self.timers.set(work, Some(now + after));
                    self.deferred.insert(work, Deferred::new(after));
                    connection.respond(&response, now)
                }
            };
        }
    }
    // ANCHOR_END: answer

    // ANCHOR: settle
    /// After a connection acted: chapter 15's one done path, then keep its timer in
    /// step with its deadline and the budget with its unsent bytes.
    fn settle(&mut self, registry: &Registry, token: Token) {
        let alive = self.connections.settle(registry, token);
        let (deadline, pending) = match self.connections.get_mut(token) {
            Some(connection) if alive => (connection.deadline(), connection.pending_output()),
            _ => (None, 0),
        };
        self.timers.set(token, deadline);
        self.budget.set(token, pending);
    }
    // ANCHOR_END: settle

    // ANCHOR: fire_timers
    /// Acts on every deadline that has passed, and on nothing else: no sweep over the
    /// whole table, only the connections whose time has come.
    fn fire_timers(&mut self, registry: &Registry) {
        let now = Instant::now();
        for token in self.timers.pop_due(now) {
            if let Some(work) = self.deferred.remove(&token) {
                work.run();
                continue;
            }
            let request = self
                .connections
                .get_mut(token)
                .and_then(|connection| connection.on_deadline(now));
            self.answer(token, request);
            self.settle(registry, token);
        }
    }
    // ANCHOR_END: fire_timers

    // ANCHOR: collect_computed
    /// The waker rang: deliver every finished `/cpu` answer to its connection. (A
    /// signal rings it too; the loop checks the shutdown flag after this.)
    fn collect_computed(&mut self, registry: &Registry) {
        while let Some(done) = self.cpu.finished() {
            let request = self
                .connections
                .get_mut(done.token)
                .and_then(|connection| connection.respond(&done.response, Instant::now()));
            self.answer(done.token, request);
            self.settle(registry, done.token);
        }
    }
    // ANCHOR_END: collect_computed

    // ANCHOR: unpark
    /// While the output budget has room, answer parked requests, oldest first.
    fn unpark(&mut self, registry: &Registry) {
        while !self.budget.is_spent() {
            let Some(parked) = self.parked.pop_front() else {
                return;
            };
            // Gone, or it gave up waiting (503) and moved on: nothing to answer.
            let still_waiting = self
                .connections
                .get_mut(parked.token)
                .is_some_and(|connection| connection.answered() == parked.answered);
            if still_waiting {
                self.answer(parked.token, Some(parked.request));
                self.settle(registry, parked.token);
            }
        }
    }
    // ANCHOR_END: unpark

    /// Shutdown: close the listener (new clients are refused at once), close the
    /// connections that sit between requests. Returns when that happened.
    fn stop_accepting(&mut self, poll: &Poll) -> Instant {
        if let Some(mut listener) = self.listener.take() {
            let _ = poll.registry().deregister(&mut listener);
        }
        self.accept_again = None;
        self.connections.stop_when_idle(poll.registry());
        let open = self.connections.len();
        log::event(
            "server",
            &format!("stopped accepting; {open} connection(s) still open"),
        );
        Instant::now()
    }
}

/// 503 with `Retry-After`: the honest answer when the server cannot take on more now.
fn busy(why: &str) -> Response {
    Response::text(Status::SERVICE_UNAVAILABLE, &format!("{why}; try again\n"))
        .header("Retry-After", "1")
}
