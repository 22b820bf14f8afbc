//! Seed 004's echo protocol on this chapter's mio loop: one thread, every client a
//! table entry. Each line is answered with the previous line and itself; a client
//! that hangs up, or sends no whole line for `--idle` seconds, is logged and dropped;
//! at most `--max-clients` are served, and the rest wait in the backlog.
//!
//! ```text
//! cargo run --release -p chapter15 --bin echo-lines-mio
//! cargo run --release -p chapter17 --bin echo-lines-load -- 127.0.0.1:1234
//! ```
//!
//! The protocol is webcore's `echo::Conversation`, as in chapters 10, 13 and 17; this
//! file is only the non-blocking I/O around it, with the rules of `echo-select`: read
//! and write until `WouldBlock`, keep what could not be sent.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Registry, Token};
use webcore::accept::{Next, after_accept_error};
use webcore::echo::{CapArgs, Conversation, EchoArgs, Ending};

/// Echo every line with the one before it, from one mio event loop.
#[derive(Parser, Debug)]
#[command(name = "echo-lines-mio", version)]
struct Args {
    #[command(flatten)]
    echo: EchoArgs,
    #[command(flatten)]
    cap: CapArgs,
}

const LISTENER: Token = Token(0);
/// How often the loop wakes to look for clients past their idle limit, as the HTTP
/// loop of this chapter sweeps: a silent client is dropped up to this late.
const SWEEP_EVERY: Duration = Duration::from_millis(250);

fn main() -> ExitCode {
    let args = Args::parse();
    webcore::fd_limit::raise_open_files(u64::from(args.cap.max_clients));
    webcore::cli::exit_code(serve(&args).map_err(|e| format!("the event loop failed: {e}")))
}

// ANCHOR: client
/// One client: its socket, its side of the protocol, and the answer bytes the socket
/// would not take yet.
struct Client {
    stream: TcpStream,
    peer: SocketAddr,
    conversation: Conversation,
    unsent: Vec<u8>,
}

impl Client {
    /// The socket is ready for something: send what waits, then read and answer until
    /// `WouldBlock`. `Err` is how the conversation ended.
    fn on_ready(&mut self) -> Result<(), Ending> {
        self.flush()?;
        let mut chunk = [0u8; 4096];
        // Only while our answers are out: a client that does not read them stops being
        // read, and its idle limit ends it.
        while self.unsent.is_empty() {
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(Ending::Disconnected),
                Ok(read) => {
                    let now = Instant::now();
                    self.conversation
                        .receive(&chunk[..read], now, &mut self.unsent)?;
                    self.flush()?;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Ending::Failed(e)),
            }
        }
        Ok(())
    }

    /// Writes what the socket takes; the rest waits for the next writable event.
    fn flush(&mut self) -> Result<(), Ending> {
        while !self.unsent.is_empty() {
            match self.stream.write(&self.unsent) {
                Ok(0) => return Err(Ending::Failed(io::ErrorKind::WriteZero.into())),
                Ok(written) => drop(self.unsent.drain(..written)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Ending::Failed(e)),
            }
        }
        Ok(())
    }

    /// Past its idle limit: silent, or not reading what we sent.
    fn overdue(&self, idle: Duration, now: Instant) -> Option<Ending> {
        if now < self.conversation.deadline(idle) {
            None
        } else if self.unsent.is_empty() {
            Some(Ending::Silent)
        } else {
            Some(Ending::NotReading)
        }
    }
}
// ANCHOR_END: client

/// Everything the loop owns.
struct Server {
    listener: TcpListener,
    clients: HashMap<Token, Client>,
    /// Tokens are never reused, so a late event for a client that left finds nothing.
    next_token: usize,
    max_clients: usize,
    /// We stopped accepting at the cap (or short of descriptors): clients may wait in
    /// the backlog, and the edge-triggered listener will not announce them again.
    accept_again: bool,
    idle: Duration,
}

// ANCHOR: event_loop
/// Runs the loop for ever. Only a broken listening socket (or `poll` itself) ends it.
fn serve(args: &Args) -> io::Result<()> {
    let listener = args.echo.listen().map_err(io::Error::other)?;
    listener.set_nonblocking(true)?;
    let mut poll = Poll::new()?;
    let mut server = Server {
        listener: TcpListener::from_std(listener),
        clients: HashMap::new(),
        next_token: 1,
        max_clients: args.cap.max_clients(),
        accept_again: false,
        idle: args.echo.idle(),
    };
    poll.registry()
        .register(&mut server.listener, LISTENER, Interest::READABLE)?;
    let mut events = Events::with_capacity(1024);
    let mut last_sweep = Instant::now();
    loop {
        match poll.poll(&mut events, Some(SWEEP_EVERY)) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => other?,
        }
        let mut accept = server.accept_again;
        for event in events.iter() {
            match event.token() {
                LISTENER => accept = true,
                token => server.on_ready(poll.registry(), token),
            }
        }
        if last_sweep.elapsed() >= SWEEP_EVERY {
            server.sweep(poll.registry());
            last_sweep = Instant::now();
        }
        // After the clients: those that left this turn made room for the backlog.
        if accept {
            server.accept(poll.registry())?;
        }
    }
}
// ANCHOR_END: event_loop
// ANCHOR_END: event_loop

impl Server {
    // ANCHOR: accept
    /// Accepts waiting clients until `WouldBlock` or the cap.
    fn accept(&mut self, registry: &Registry) -> io::Result<()> {
        self.accept_again = true;
        while self.clients.len() < self.max_clients {
            let (mut stream, peer) = match self.listener.accept() {
                Ok(accepted) => accepted,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.accept_again = false;
                    return Ok(());
                }
                Err(e) => match after_accept_error(&e) {
                    Next::Retry => continue,
                    // Out of descriptors: the next turn (a sweep away) tries again.
                    Next::BackOff(_) => return Ok(()),
                    Next::Stop => return Err(e),
                },
            };
            let token = Token(self.next_token);
            self.next_token += 1;
            // Both directions at once, once: with edge-triggered readiness a writable
            // event comes only when a full socket drains, so it costs nothing meanwhile.
            let interest = Interest::READABLE | Interest::WRITABLE;
            if let Err(e) = registry.register(&mut stream, token, interest) {
                webcore::log::event(&peer.to_string(), &format!("register failed: {e}"));
                continue;
            }
            webcore::log::event(&peer.to_string(), "connected");
            let conversation = Conversation::new(Instant::now());
            let unsent = Vec::new();
            let client = Client {
                stream,
                peer,
                conversation,
                unsent,
            };
            self.clients.insert(token, client);
        }
        Ok(())
    }
    // ANCHOR_END: accept

    // ANCHOR: done
    /// A client's socket is ready: let it act, and drop it if that ended it.
    fn on_ready(&mut self, registry: &Registry, token: Token) {
        let Some(client) = self.clients.get_mut(&token) else {
            return; // a late event for a client that already left
        };
        if let Err(ending) = client.on_ready() {
            self.drop_client(registry, token, &ending);
        }
    }

    /// Drops every client past its idle limit.
    fn sweep(&mut self, registry: &Registry) {
        let now = Instant::now();
        let overdue: Vec<(Token, Ending)> = self
            .clients
            .iter()
            .filter_map(|(&token, client)| Some((token, client.overdue(self.idle, now)?)))
            .collect();
        for (token, ending) in overdue {
            self.drop_client(registry, token, &ending);
        }
    }

    /// The one way out of the table: log how the client left, deregister, close. Its
    /// place under the cap is free from here on.
    fn drop_client(&mut self, registry: &Registry, token: Token, ending: &Ending) {
        if let Some(mut client) = self.clients.remove(&token) {
            ending.log(client.peer, &client.conversation);
            let _ = registry.deregister(&mut client.stream);
        }
    }
    // ANCHOR_END: done
}
