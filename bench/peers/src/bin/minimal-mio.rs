//! The floor the kernel sets: a mio keep-alive loop that does nothing but find request
//! heads and write a canned answer. Whatever a real server costs above this is its own.
//! `--threads N` runs N independent loops, each with its own `SO_REUSEPORT` listener, so
//! the kernel spreads connections between them and nothing is shared.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::SocketAddr;

use clap::Parser;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use socket2::{Domain, Socket, Type};

/// Answer every request with the same 1 KiB, on one mio loop per thread.
#[derive(Parser, Debug)]
#[command(name = "minimal-mio")]
struct Args {
    /// Address to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Event loops, one per thread, each with its own listener
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: u16,
}

const LISTENER: Token = Token(0);
/// A client whose unfinished head grows past this is not sending HTTP: close it.
const MAX_HEAD: usize = 64 * 1024;

/// One client: the bytes read but not yet answered, and the answers not yet written.
struct Conn {
    stream: TcpStream,
    input: Vec<u8>,
    output: Vec<u8>,
    written: usize,
}

fn main() -> io::Result<()> {
    let args = Args::parse();
    // The first bind settles the port (port 0 picks one); the other loops bind that port.
    let first = reuseport_listener(args.addr)?;
    let addr = first.local_addr()?;
    let mut listeners = vec![first];
    for _ in 1..args.threads {
        listeners.push(reuseport_listener(addr)?);
    }
    peers::announce(addr);
    let loops: Vec<_> = listeners
        .into_iter()
        .map(|listener| std::thread::spawn(move || run(listener)))
        .collect();
    for handle in loops {
        handle.join().expect("an event loop thread panicked")?;
    }
    Ok(())
}

fn reuseport_listener(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    Ok(TcpListener::from_std(socket.into()))
}

fn run(mut listener: TcpListener) -> io::Result<()> {
    let response = peers::canned_response(false);
    let mut poll = Poll::new()?;
    let mut events = Events::with_capacity(1024);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut conns: HashMap<Token, Conn> = HashMap::new();
    let mut next_token = 1;
    loop {
        match poll.poll(&mut events, None) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            result => result?,
        }
        for event in &events {
            if event.token() == LISTENER {
                // Edge-triggered: accept until the queue is empty, or we hear no more.
                loop {
                    let (mut stream, _) = match listener.accept() {
                        Ok(accepted) => accepted,
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                        // Out of file descriptors, or a client gone before accept: go on.
                        Err(e) => {
                            eprintln!("accept: {e}");
                            break;
                        }
                    };
                    // Answers are written whole; do not let Nagle hold one back. (A
                    // failure here only costs latency.)
                    let _ = stream.set_nodelay(true);
                    let token = Token(next_token);
                    next_token += 1;
                    // Both interests, once: epoll only reports WRITABLE again after a
                    // write has filled the send buffer, so there is nothing to re-register.
                    let interest = Interest::READABLE | Interest::WRITABLE;
                    if let Err(e) = poll.registry().register(&mut stream, token, interest) {
                        eprintln!("register: {e}");
                        continue;
                    }
                    let (input, output) = (Vec::new(), Vec::new());
                    let conn = Conn {
                        stream,
                        input,
                        output,
                        written: 0,
                    };
                    conns.insert(token, conn);
                }
            } else if let Some(conn) = conns.get_mut(&event.token()) {
                // Readiness may be spurious, so `drive` finds out for itself what to do.
                // One done path: EOF, an error, or garbage all end here.
                if !matches!(drive(conn, &response, event.is_read_closed()), Ok(true)) {
                    conns.remove(&event.token());
                }
            }
        }
    }
}

/// Writes what is queued, then reads and answers, until the socket would block.
/// Returns `Ok(false)` once the client has closed and every answer is out.
///
/// `read_closed` is the event's word that the client has sent FIN (EPOLLRDHUP).
fn drive(conn: &mut Conn, response: &[u8], read_closed: bool) -> io::Result<bool> {
    let mut chunk = [0u8; 4096];
    let mut drained = false;
    loop {
        // Flush first: answers go out before more requests are read, which also keeps
        // a client that pipelines without reading from growing `output` without bound.
        while conn.written < conn.output.len() {
            match conn.stream.write(&conn.output[conn.written..]) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => conn.written += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(true),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        conn.output.clear();
        conn.written = 0;
        // A read that did not fill `chunk` emptied the receive buffer; edge-triggered
        // epoll reports the next bytes as a new event, so a read now would only say
        // WouldBlock: one system call per request saved (tokio does the same). Not after
        // FIN, though: the EOF behind those bytes has no event left to announce it.
        if drained && !read_closed {
            return Ok(true);
        }
        match conn.stream.read(&mut chunk) {
            // EOF: every answer is already written (we flushed above), so we are done.
            Ok(0) => return Ok(false),
            Ok(n) => {
                conn.input.extend_from_slice(&chunk[..n]);
                drained = n < chunk.len();
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(true),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        // Pipelining: one read may hold several heads, and the last may be partial.
        let mut answered = 0;
        while let Some(end) = peers::head_end(&conn.input[answered..]) {
            answered += end;
            conn.output.extend_from_slice(response);
        }
        conn.input.drain(..answered);
        if conn.input.len() > MAX_HEAD {
            return Ok(false);
        }
    }
}
