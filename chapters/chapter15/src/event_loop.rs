//! The readiness loop: one thread asks the kernel "which of these sockets can make
//! progress?" (`Poll::poll`), does exactly that progress on each, and asks again.

use std::collections::HashMap;
use std::io;
use std::time::{Duration, Instant};

use mio::net::TcpListener;
use mio::{Events, Interest, Poll, Registry, Token};
use webcore::Router;
use webcore::log;
use webcore::shutdown::Shutdown;

use crate::connection::{Connection, Settings, State};

// ANCHOR: tokens
/// Tokens name what an event is about. Two are fixed; every connection gets the next
/// number, never reused, so a late event for a closed connection finds no entry
/// instead of a stranger who inherited its number.
pub const LISTENER: Token = Token(0);
pub const WAKER: Token = Token(1);
const FIRST_CONNECTION: usize = 2;
// ANCHOR_END: tokens

// ANCHOR: sweep_every
/// Chapter 15 has no timer structure: `poll` returns at least this often, and a sweep
/// over every connection acts on the deadlines that have passed (idle timeouts, the end
/// of a `/sleep`). Coarse on purpose: a deadline fires up to this late. Chapter 16
/// replaces the sweep with timers that wake the loop exactly when something is due.
const SWEEP_EVERY: Duration = Duration::from_millis(250);
// ANCHOR_END: sweep_every

/// After a signal, how long the connections in flight get before we exit anyway.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);

/// Everything the loop owns.
struct Server {
    /// `None` once shutdown has begun: no new connections.
    listener: Option<TcpListener>,
    /// The table of live connections, looked up by the token an event carries.
    connections: HashMap<Token, Connection>,
    next_token: usize,
    /// An `accept` failed for lack of resources (`EMFILE`): retry on the next pass,
    /// because the edge-triggered listener will not tell us again about clients
    /// already waiting in the backlog.
    accept_again: bool,
    router: Router,
    settings: Settings,
}

// ANCHOR: run
/// Serves until `shutdown` is requested (and the connections in flight finish).
/// `poll` must have `waker` registered as [`WAKER`]: a signal wakes it through that.
pub fn run(
    mut poll: Poll,
    mut listener: TcpListener,
    router: Router,
    settings: Settings,
    shutdown: &Shutdown,
) -> io::Result<()> {
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut server = Server {
        listener: Some(listener),
        connections: HashMap::new(),
        next_token: FIRST_CONNECTION,
        accept_again: false,
        router,
        settings,
    };
    let mut events = Events::with_capacity(1024);
    let mut last_sweep = Instant::now();
    let mut draining_since = None;
    loop {
        match poll.poll(&mut events, Some(SWEEP_EVERY)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        for event in events.iter() {
            match event.token() {
                LISTENER => server.accept_all(poll.registry()),
                WAKER => {} // a signal: the shutdown flag is checked below
                token => server.on_event(poll.registry(), token, event),
            }
        }
        if server.accept_again {
            server.accept_all(poll.registry());
        }
        if last_sweep.elapsed() >= SWEEP_EVERY {
            server.sweep(poll.registry());
            last_sweep = Instant::now();
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

impl Server {
    // ANCHOR: accept_all
    /// The listener is readable: accept every waiting client, until `WouldBlock`.
    /// One `accept` per event would strand the rest, since the event will not repeat.
    fn accept_all(&mut self, registry: &Registry) {
        self.accept_again = false;
        let Some(listener) = &self.listener else {
            return;
        };
        loop {
            match listener.accept() {
                Ok((stream, peer)) => {
                    let token = Token(self.next_token);
                    self.next_token += 1;
                    let mut connection =
                        Connection::new(stream, peer, Instant::now(), &self.settings);
                    match registry.register(connection.stream_mut(), token, Interest::READABLE) {
                        Ok(()) => {
                            self.connections.insert(token, connection);
                        }
                        Err(e) => log::event(peer.to_string().as_str(), &format!("register: {e}")),
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // ECONNABORTED: that client gave up while waiting; the next one may not.
                Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => continue,
                Err(e) => {
                    // EMFILE / ENFILE / ENOMEM: out of something. Try again next pass.
                    log::event("server", &format!("accept failed: {e}"));
                    self.accept_again = true;
                    return;
                }
            }
        }
    }
    // ANCHOR_END: accept_all

    // ANCHOR: on_event
    /// A connection's socket is ready for something: let its state machine act.
    fn on_event(&mut self, registry: &Registry, token: Token, event: &mio::event::Event) {
        // A stale event for a connection closed earlier in this batch: nothing to do.
        let Some(connection) = self.connections.get_mut(&token) else {
            return;
        };
        let now = Instant::now();
        // Errors and hang-ups are reported as readable/writable too: the next read or
        // write returns the error (or EOF), and the state machine deals with it.
        if event.is_readable() || event.is_read_closed() || event.is_error() {
            connection.on_readable(&self.router, &self.settings, now);
        }
        if event.is_writable() || event.is_write_closed() {
            connection.on_writable(&self.settings, now);
        }
        if !settle(registry, token, connection) {
            self.connections.remove(&token);
        }
    }
    // ANCHOR_END: on_event

    /// Acts on every deadline that has passed.
    fn sweep(&mut self, registry: &Registry) {
        let now = Instant::now();
        self.connections.retain(|token, connection| {
            connection.on_tick(&self.settings, now);
            settle(registry, *token, connection)
        });
    }

    /// Shutdown: deregister and close the listener. Returns when that happened.
    fn stop_accepting(&mut self, poll: &Poll) -> Instant {
        if let Some(mut listener) = self.listener.take() {
            let _ = poll.registry().deregister(&mut listener);
        }
        eprintln!(
            "server: stopped accepting; {} connection(s) still open",
            self.connections.len()
        );
        Instant::now()
    }
}

// ANCHOR: settle
/// After a connection acted: drop it if it is finished, or tell the kernel what it waits
/// for now if that changed. Returns whether to keep it in the table.
fn settle(registry: &Registry, token: Token, connection: &mut Connection) -> bool {
    if connection.state() == State::Closed {
        // Deregister before the socket closes (on drop), as mio asks.
        let _ = registry.deregister(connection.stream_mut());
        return false;
    }
    let wanted = connection.interest();
    if wanted != connection.registered {
        if let Err(e) = registry.reregister(connection.stream_mut(), token, wanted) {
            log::event(connection.peer(), &format!("reregister failed: {e}"));
            let _ = registry.deregister(connection.stream_mut());
            return false;
        }
        connection.registered = wanted;
    }
    true
}
// ANCHOR_END: settle
