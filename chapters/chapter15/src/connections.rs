//! The table of live connections, and the one place a connection leaves it.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Interest, Registry, Token};
use webcore::accept::{Next, after_accept_error};
use webcore::connection::ConnectionOptions;
use webcore::log;

use crate::connection::{Connection, State};

// ANCHOR: tokens
/// Tokens name what an event is about. Two are fixed; every connection gets the next
/// number, never reused, so a late event for a closed connection finds no entry
/// instead of a stranger who inherited its number.
pub const LISTENER: Token = Token(0);
/// The loop's one `Waker` (mio allows one per `Poll`): a signal, or (chapter 16) a
/// worker with an answer ready.
pub const WAKER: Token = Token(1);
const FIRST_CONNECTION: usize = 2;
// ANCHOR_END: tokens

/// A connection and the interest the kernel has on file for it.
struct Entry {
    connection: Connection,
    registered: Interest,
}

// ANCHOR: table
/// Every live connection, looked up by the token its events carry.
#[derive(Default)]
pub struct Connections {
    table: HashMap<Token, Entry>,
    next_token: usize,
}

impl Connections {
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Registers a freshly accepted socket for `READABLE` and adds it to the table.
    pub fn add(
        &mut self,
        registry: &Registry,
        stream: TcpStream,
        peer: SocketAddr,
        options: &ConnectionOptions,
    ) -> io::Result<Token> {
        let token = Token(FIRST_CONNECTION + self.next_token);
        self.next_token += 1;
        let mut connection = Connection::new(stream, peer, options, Instant::now());
        registry.register(connection.stream_mut(), token, Interest::READABLE)?;
        let registered = Interest::READABLE;
        self.table.insert(
            token,
            Entry {
                connection,
                registered,
            },
        );
        Ok(token)
    }

    /// The connection behind `token`; `None` for a stale event (closed earlier in this
    /// batch).
    pub fn get_mut(&mut self, token: Token) -> Option<&mut Connection> {
        self.table
            .get_mut(&token)
            .map(|entry| &mut entry.connection)
    }

    /// Every token in the table, for a sweep.
    pub fn tokens(&self) -> Vec<Token> {
        self.table.keys().copied().collect()
    }

    // ANCHOR: settle
    /// After a connection acted: drop it if it is finished, or tell the kernel what it
    /// waits for now if that changed. The one done path: every caller ends here.
    /// Returns whether the connection is still in the table.
    pub fn settle(&mut self, registry: &Registry, token: Token) -> bool {
        let Some(entry) = self.table.get_mut(&token) else {
            return false;
        };
        let connection = &mut entry.connection;
        if connection.state() == State::Closed {
            // Deregister before the socket closes (on drop), as mio asks.
            let _ = registry.deregister(connection.stream_mut());
            self.table.remove(&token);
            return false;
        }
        let wanted = connection.interest();
        if wanted != entry.registered {
            if let Err(e) = registry.reregister(connection.stream_mut(), token, wanted) {
                log::event(connection.peer(), &format!("reregister failed: {e}"));
                let _ = registry.deregister(connection.stream_mut());
                self.table.remove(&token);
                return false;
            }
            entry.registered = wanted;
        }
        true
    }
    // ANCHOR_END: settle

    /// Shutdown: every connection between requests closes now; the others finish.
    pub fn stop_when_idle(&mut self, registry: &Registry) {
        for token in self.tokens() {
            if let Some(connection) = self.get_mut(token) {
                connection.stop_when_idle();
            }
            self.settle(registry, token);
        }
    }
}
// ANCHOR_END: table

/// What [`accept_waiting`] did: the connections it added, and why it stopped.
#[derive(Debug)]
pub struct Accepted {
    pub tokens: Vec<Token>,
    pub stopped: Accepting,
}

/// Why [`accept_waiting`] stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum Accepting {
    /// Everyone waiting was accepted: the next arrival raises a new event.
    Done,
    /// `room` ran out: clients may still wait in the backlog, and no event will say so.
    Full,
    /// Out of something (file descriptors): try again after this pause.
    BackOff(Duration),
}

// ANCHOR: accept_waiting
/// The listener is readable: accept every waiting client, until `WouldBlock` (one
/// `accept` per event would strand the rest, since the event will not repeat), or
/// until `room` more connections are in. A failed `accept` follows webcore's one rule
/// for every accept loop; only a broken listener is returned as an error.
pub fn accept_waiting(
    listener: &TcpListener,
    registry: &Registry,
    connections: &mut Connections,
    options: &ConnectionOptions,
    room: usize,
) -> io::Result<Accepted> {
    let mut tokens = Vec::new();
    let stopped = loop {
        if tokens.len() >= room {
            break Accepting::Full;
        }
        match listener.accept() {
            Ok((stream, peer)) => match connections.add(registry, stream, peer, options) {
                Ok(token) => tokens.push(token),
                Err(e) => log::event(&peer.to_string(), &format!("register failed: {e}")),
            },
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Accepting::Done,
            Err(e) => match after_accept_error(&e) {
                Next::Retry => continue,
                Next::BackOff(pause) => break Accepting::BackOff(pause),
                Next::Stop => return Err(e),
            },
        }
    };
    Ok(Accepted { tokens, stopped })
}
// ANCHOR_END: accept_waiting
