//! Chapter 15's readiness loop with three additions: timers that tell `poll` how long
//! it may sleep, a cap on open connections, and a pool of CPU workers that report back
//! through the loop's `Waker`.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::time::{Duration, Instant};

use mio::net::TcpListener;
use mio::{Events, Interest, Poll, Registry, Token};
use webcore::Router;
use webcore::log;
use webcore::shutdown::Shutdown;

use crate::connection::{Connection, Settings, Shared, State};
use crate::cpu_pool::CpuPool;
use crate::timers::Timers;

/// Tokens name what an event is about; connections get fresh numbers, never reused.
pub const LISTENER: Token = Token(0);
/// The one `Waker` (mio allows one per `Poll`): a signal, or a finished `/cpu` job.
pub const WAKER: Token = Token(1);
const FIRST_CONNECTION: usize = 2;

/// After a signal, how long the connections in flight get before we exit anyway.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);

/// The server's limits.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Open connections at most; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// Unsent response bytes, summed over all connections, above which no new answer
    /// is started (backpressure).
    pub max_output_bytes: usize,
}

/// Everything the loop owns.
struct Server {
    /// `None` once shutdown has begun: no new connections.
    listener: Option<TcpListener>,
    connections: HashMap<Token, Connection>,
    next_token: usize,
    /// Every connection's deadline, earliest first.
    timers: Timers,
    /// Unsent response bytes over all connections (each `Connection::accounted`).
    buffered: usize,
    /// Connections with a whole request, waiting for the output budget, oldest first.
    parked: VecDeque<Token>,
    /// Clients may be waiting in the backlog that we did not accept (the cap, or a
    /// lack of file descriptors): accept again when a slot frees or on the next pass.
    accept_pending: bool,
    /// Whether we already said that the cap was reached (say it once, not per client).
    cap_logged: bool,
    router: Router,
    settings: Settings,
    limits: Limits,
    cpu: CpuPool,
}

// ANCHOR: run
/// Serves until `shutdown` is requested (and the connections in flight finish).
pub fn run(
    mut poll: Poll,
    mut listener: TcpListener,
    router: Router,
    settings: Settings,
    limits: Limits,
    cpu: CpuPool,
    shutdown: &Shutdown,
) -> io::Result<()> {
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut server = Server {
        listener: Some(listener),
        connections: HashMap::new(),
        next_token: FIRST_CONNECTION,
        timers: Timers::default(),
        buffered: 0,
        parked: VecDeque::new(),
        accept_pending: false,
        cap_logged: false,
        router,
        settings,
        limits,
        cpu,
    };
    let mut events = Events::with_capacity(1024);
    let mut draining_since = None;
    loop {
        // Sleep until the next deadline, or until an event; with no deadline at all,
        // until an event. No more waking four times a second to look around.
        let mut timeout = server.timers.timeout(Instant::now());
        let below_cap = server.connections.len() < server.limits.max_connections;
        if (server.accept_pending && below_cap) || draining_since.is_some() {
            // Retrying an accept that failed for lack of resources, or draining:
            // look again soon even if nothing happens. (At the cap there is nothing to
            // retry until a connection closes, and closing is itself an event.)
            timeout = Some(timeout.map_or(RETRY, |t| t.min(RETRY)));
        }
        match poll.poll(&mut events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        for event in events.iter() {
            match event.token() {
                LISTENER => server.accept_all(poll.registry()),
                WAKER => server.collect_computed(poll.registry()),
                token => server.on_event(poll.registry(), token, event),
            }
        }
        server.fire_timers(poll.registry());
        server.unpark(poll.registry());
        if server.accept_pending && server.connections.len() < server.limits.max_connections {
            server.accept_all(poll.registry());
        }
        if shutdown.is_requested() {
            let since = *draining_since.get_or_insert_with(|| server.stop_accepting(&poll));
            if server.connections.is_empty() || since.elapsed() > DRAIN_LIMIT {
                return Ok(());
            }
        }
    }
}
// ANCHOR_END: run

/// How soon to look again when something may be waiting that no event will announce.
const RETRY: Duration = Duration::from_millis(100);

impl Server {
    // ANCHOR: accept_all
    /// Accepts waiting clients until `WouldBlock`, or until the cap is reached. At the
    /// cap the rest stay in the kernel's backlog, and we come back for them as soon as
    /// a connection closes.
    fn accept_all(&mut self, registry: &Registry) {
        self.accept_pending = false;
        let Some(listener) = &self.listener else {
            return;
        };
        loop {
            if self.connections.len() >= self.limits.max_connections {
                if !self.cap_logged {
                    log::event(
                        "server",
                        &format!(
                            "{} connections open (--max-connections): new clients wait",
                            self.connections.len()
                        ),
                    );
                    self.cap_logged = true;
                }
                self.accept_pending = true;
                return;
            }
            match listener.accept() {
                Ok((stream, peer)) => {
                    let token = Token(self.next_token);
                    self.next_token += 1;
                    let mut connection =
                        Connection::new(stream, peer, Instant::now(), &self.settings);
                    if let Err(e) =
                        registry.register(connection.stream_mut(), token, Interest::READABLE)
                    {
                        log::event(&peer.to_string(), &format!("register: {e}"));
                        continue;
                    }
                    sync_timer(&mut self.timers, token, &mut connection);
                    self.connections.insert(token, connection);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.cap_logged = false;
                    return;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => continue,
                Err(e) => {
                    // EMFILE / ENFILE / ENOMEM: out of something. Try again shortly.
                    log::event("server", &format!("accept failed: {e}"));
                    self.accept_pending = true;
                    return;
                }
            }
        }
    }
    // ANCHOR_END: accept_all

    /// A connection's socket is ready for something: let its state machine act.
    fn on_event(&mut self, registry: &Registry, token: Token, event: &mio::event::Event) {
        let Some(connection) = self.connections.get_mut(&token) else {
            return; // closed earlier in this batch
        };
        let now = Instant::now();
        if event.is_readable() || event.is_read_closed() || event.is_error() {
            let shared = Shared {
                router: &self.router,
                settings: &self.settings,
                cpu: &self.cpu,
                token,
                over_budget: self.buffered >= self.limits.max_output_bytes,
            };
            connection.on_readable(&shared, now);
            if connection.state() == State::Parked {
                self.parked.push_back(token);
            }
        }
        if event.is_writable() || event.is_write_closed() {
            connection.on_writable(&self.settings, now);
        }
        if !settle(
            registry,
            &mut self.timers,
            &mut self.buffered,
            token,
            connection,
        ) {
            self.connections.remove(&token);
        }
    }

    // ANCHOR: fire_timers
    /// Acts on every deadline that has passed, and on nothing else: no sweep over the
    /// whole table, only the connections whose time has come.
    fn fire_timers(&mut self, registry: &Registry) {
        let now = Instant::now();
        for token in self.timers.pop_due(now) {
            let Some(connection) = self.connections.get_mut(&token) else {
                continue;
            };
            // `pop_due` removed the timer; the connection no longer holds one.
            connection.scheduled = None;
            connection.on_deadline(&self.settings, now);
            if !settle(
                registry,
                &mut self.timers,
                &mut self.buffered,
                token,
                connection,
            ) {
                self.connections.remove(&token);
            }
        }
    }
    // ANCHOR_END: fire_timers

    // ANCHOR: collect_computed
    /// The waker rang: deliver every finished `/cpu` answer to its connection. (A
    /// signal rings it too; the loop checks the shutdown flag after this.)
    fn collect_computed(&mut self, registry: &Registry) {
        while let Some(done) = self.cpu.finished() {
            let Some(connection) = self.connections.get_mut(&done.token) else {
                continue; // that client is gone: drop the answer
            };
            connection.on_computed(&done.response, &self.settings, Instant::now());
            if !settle(
                registry,
                &mut self.timers,
                &mut self.buffered,
                done.token,
                connection,
            ) {
                self.connections.remove(&done.token);
            }
        }
    }
    // ANCHOR_END: collect_computed

    // ANCHOR: unpark
    /// While the output budget has room, answer parked requests, oldest first.
    fn unpark(&mut self, registry: &Registry) {
        while self.buffered < self.limits.max_output_bytes {
            let Some(token) = self.parked.pop_front() else {
                return;
            };
            let Some(connection) = self.connections.get_mut(&token) else {
                continue; // it timed out (503) and closed meanwhile
            };
            let shared = Shared {
                router: &self.router,
                settings: &self.settings,
                cpu: &self.cpu,
                token,
                over_budget: false,
            };
            connection.unpark(&shared, Instant::now());
            if !settle(
                registry,
                &mut self.timers,
                &mut self.buffered,
                token,
                connection,
            ) {
                self.connections.remove(&token);
            }
        }
    }
    // ANCHOR_END: unpark

    /// Shutdown: deregister and close the listener. Returns when that happened.
    fn stop_accepting(&mut self, poll: &Poll) -> Instant {
        if let Some(mut listener) = self.listener.take() {
            let _ = poll.registry().deregister(&mut listener);
        }
        self.accept_pending = false;
        eprintln!(
            "server: stopped accepting; {} connection(s) still open",
            self.connections.len()
        );
        Instant::now()
    }
}

// ANCHOR: settle
/// After a connection acted: keep its timer in step with its deadline and the output
/// count with its unsent bytes, drop it if it is finished, or reregister it if what it
/// waits for changed. Returns whether to keep it in the table.
fn settle(
    registry: &Registry,
    timers: &mut Timers,
    buffered: &mut usize,
    token: Token,
    connection: &mut Connection,
) -> bool {
    sync_timer(timers, token, connection);
    // Keep the server's count of unsent bytes in step with this connection's.
    let pending = match connection.state() {
        State::Closed => 0,
        _ => connection.pending_output(),
    };
    *buffered = *buffered - connection.accounted + pending;
    connection.accounted = pending;
    if connection.state() == State::Closed {
        let _ = registry.deregister(connection.stream_mut());
        return false;
    }
    let wanted = connection.interest();
    if wanted != connection.registered {
        if let Err(e) = registry.reregister(connection.stream_mut(), token, wanted) {
            log::event(connection.peer(), &format!("reregister failed: {e}"));
            let _ = registry.deregister(connection.stream_mut());
            if let Some(old) = connection.scheduled.take() {
                timers.remove(old, token);
            }
            return false;
        }
        connection.registered = wanted;
    }
    true
}

/// Moves the connection's timer to its current deadline (or removes it).
fn sync_timer(timers: &mut Timers, token: Token, connection: &mut Connection) {
    let wanted = connection.deadline();
    if wanted != connection.scheduled {
        if let Some(old) = connection.scheduled {
            timers.remove(old, token);
        }
        if let Some(new) = wanted {
            timers.insert(new, token);
        }
        connection.scheduled = wanted;
    }
}
// ANCHOR_END: settle
