//! `echo-select`: the seed course's select() echo server, in Rust on mio. One thread,
//! one loop, any number of clients; every client's bytes come back 16 at a time; a line
//! on stdin stops the server, as in the original.
//!
//! ```text
//! cargo run -p chapter15 --bin echo-select            # then: nc 127.0.0.1 10000
//! ```
//!
//! Two things differ from Python's `select.select(channels, [], [], 0)`:
//! - mio's readiness is edge-triggered: "readable" is reported once per arrival, not
//!   on every call while bytes wait. So each client is read until `WouldBlock`.
//! - The original answers with `sendall`, which blocks the whole loop on a client that
//!   does not read. Here unsent bytes wait in the client's own buffer, and the loop asks
//!   for writable readiness until they are out.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::os::fd::AsRawFd;

use clap::Parser;
use mio::net::{TcpListener, TcpStream};
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};

/// An echo server: one thread, many clients, 16 bytes at a time; Enter stops it.
#[derive(Parser, Debug)]
#[command(name = "echo-select", version)]
struct Args {
    /// Where to listen (the seed used port 10000).
    #[arg(long, default_value = "127.0.0.1:10000")]
    addr: SocketAddr,
}

// ANCHOR: tokens
const LISTENER: Token = Token(0);
const STDIN: Token = Token(1);
/// The seed's buffer size: small on purpose, so a long message takes many rounds.
const BUFFER: usize = 16;
// ANCHOR_END: tokens

// ANCHOR: client
/// One client: its socket and the bytes read from it that have not gone back yet.
struct Client {
    stream: TcpStream,
    unsent: Vec<u8>,
}

/// What a client waits for next, or that it is done.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    Wait(Interest),
    Close,
}
// ANCHOR_END: client

fn main() {
    let args = Args::parse();
    if let Err(e) = serve(args.addr) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

// ANCHOR: serve
fn serve(addr: SocketAddr) -> io::Result<()> {
    let mut poll = Poll::new()?;
    let mut listener = TcpListener::bind(addr)?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    // The seed put sys.stdin in select()'s list; mio can watch any file descriptor
    // the kernel can poll. (Not /dev/null or a regular file: then Enter cannot stop us.)
    let stdin = io::stdin().as_raw_fd();
    if let Err(e) = poll
        .registry()
        .register(&mut SourceFd(&stdin), STDIN, Interest::READABLE)
    {
        eprintln!("note: cannot watch stdin ({e}); stop with Ctrl-C");
    }
    println!("Listening on http://{}", listener.local_addr()?);
    io::stdout().flush()?;

    let mut clients: HashMap<Token, Client> = HashMap::new();
    let mut next_token = 2;
    let mut events = Events::with_capacity(256);
    loop {
        match poll.poll(&mut events, None) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        for event in events.iter() {
            match event.token() {
                LISTENER => loop {
                    // Accept everyone waiting: the event will not repeat for them.
                    match listener.accept() {
                        Ok((mut stream, peer)) => {
                            let token = Token(next_token);
                            next_token += 1;
                            poll.registry()
                                .register(&mut stream, token, Interest::READABLE)?;
                            let unsent = Vec::new();
                            clients.insert(token, Client { stream, unsent });
                            eprintln!("{peer} connected ({} clients)", clients.len());
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => {
                            eprintln!("accept failed: {e}");
                            break;
                        }
                    }
                },
                STDIN => {
                    eprintln!("stdin: stopping");
                    return Ok(());
                }
                token => {
                    let Some(client) = clients.get_mut(&token) else {
                        continue; // closed earlier in this batch
                    };
                    match echo(client) {
                        Next::Wait(interest) => {
                            poll.registry()
                                .reregister(&mut client.stream, token, interest)?;
                        }
                        Next::Close => {
                            poll.registry().deregister(&mut client.stream)?;
                            clients.remove(&token);
                            eprintln!("a client left ({} clients)", clients.len());
                        }
                    }
                }
            }
        }
    }
}
// ANCHOR_END: serve

// ANCHOR: echo
/// Moves as many bytes as the socket allows, 16 at a time: send back what is unsent,
/// then read more, until the socket would block. We read again only once everything
/// read so far is back out, so a client that does not read its echo stops being read
/// (its bytes wait in the kernel) instead of growing our buffer without end.
fn echo(client: &mut Client) -> Next {
    let mut buffer = [0u8; BUFFER];
    loop {
        while !client.unsent.is_empty() {
            match client.stream.write(&client.unsent) {
                Ok(0) => return Next::Close,
                // A partial write: keep the rest for later.
                Ok(n) => drop(client.unsent.drain(..n)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    return Next::Wait(Interest::WRITABLE);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Next::Close,
            }
        }
        match client.stream.read(&mut buffer) {
            // EOF: the client is done sending, and everything it sent is back.
            Ok(0) => return Next::Close,
            Ok(n) => client.unsent.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                return Next::Wait(Interest::READABLE);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Next::Close,
        }
    }
}
// ANCHOR_END: echo
