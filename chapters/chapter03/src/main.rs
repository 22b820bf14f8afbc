//! Chapter 03: an echo server. It sends back every byte a client sends, reading and
//! writing 16 bytes at a time, and serves one client at a time: the next connection
//! waits in the kernel's queue until the current client closes.
#![forbid(unsafe_code)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

use clap::Parser;

/// Echo every byte back to the client, one client at a time.
#[derive(Parser, Debug)]
#[command(name = "chapter03", version)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let listener = match TcpListener::bind(args.addr) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    match announce(&listener).and_then(|()| serve(&listener)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the ready line with the bound address and flushes it at once.
fn announce(listener: &TcpListener) -> io::Result<()> {
    // The URL says `http://` so every chapter announces itself the same way, even
    // though this server speaks plain TCP, not HTTP.
    println!("Listening on http://{}", listener.local_addr()?);
    io::stdout().flush()
}

// ANCHOR: accept_loop
/// Accepts clients for ever, serving each one completely before accepting the next.
fn serve(listener: &TcpListener) -> io::Result<()> {
    loop {
        // Blocks until a connection is queued. While `echo` runs below, nobody calls
        // `accept`: new clients still connect (the kernel finishes the handshake and
        // queues them), but nothing reads what they send.
        let (stream, peer) = listener.accept()?;
        eprintln!("{peer}: connected");
        match echo(stream) {
            Ok(total) => eprintln!("{peer}: closed after {total} bytes echoed"),
            // One client's failure (a reset, say) must not stop the server.
            Err(e) => eprintln!("{peer}: {e}"),
        }
    }
}
// ANCHOR_END: accept_loop

// ANCHOR: echo
/// Sends every byte back, 16 at a time, until the client closes its side.
/// Returns how many bytes were echoed.
fn echo(mut stream: TcpStream) -> io::Result<u64> {
    // Sixteen bytes, as in the course this chapter follows: small on purpose, so a
    // long message takes many rounds and you can watch others wait.
    let mut buffer = [0u8; 16];
    let mut total = 0;
    loop {
        // Blocks until at least one byte is there, and returns at most 16.
        let n = match stream.read(&mut buffer) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            // EOF: the client has shut down its sending side and everything it sent
            // has been echoed. Returning drops `stream`, which closes the connection.
            return Ok(total);
        }
        // `write_all` loops until all `n` bytes are accepted. It blocks when the
        // client does not read its echo and the buffers between us fill up.
        stream.write_all(&buffer[..n])?;
        total += n as u64;
    }
}
// ANCHOR_END: echo
