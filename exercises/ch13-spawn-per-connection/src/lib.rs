//! Exercise ch13-spawn-per-connection: the wiring and the checks. Do not edit this
//! file; your code goes in `src/starter.rs`.
#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use exercise_harness::{Check, Exercise};

#[path = "../solution/solution.rs"]
pub mod solution;
pub mod starter;

/// The functions the checks call: the starter's or the solution's.
#[derive(Clone)]
pub struct Implementation {
    pub serve: fn(TcpListener, fn(TcpStream)),
}

pub fn exercise() -> Exercise<Implementation> {
    Exercise {
        name: "ch13-spawn-per-connection",
        task: "a thread per connection, so a slow client no longer holds up the rest",
        starter_source: include_str!("starter.rs"),
        starter_fingerprint: include_str!("../starter.fingerprint"),
        starter: Implementation {
            serve: starter::serve,
        },
        solution: Implementation {
            serve: solution::serve,
        },
        checks: vec![
            Check {
                name: "one client is answered",
                run: |i| {
                    let addr = start(i)?;
                    let mut client = connect(addr)?;
                    ask(&mut client, b'F')?;
                    expect_answer(&mut client, b"fast", Duration::from_secs(5))
                },
            },
            Check {
                name: "a fast client is answered while a slow one is being served",
                run: |i| fast_beside_slow(i, 1, 1),
            },
            Check {
                name: "twenty fast clients are all answered while three slow ones wait",
                run: |i| fast_beside_slow(i, 3, 20),
            },
        ],
        check_timeout: Duration::from_secs(10),
    }
}

/// The connection handler the checks give `serve`: reads one byte; `S` (slow) waits
/// two seconds before answering `slow`, anything else gets `fast` at once.
fn handle(mut stream: TcpStream) {
    let mut kind = [0u8; 1];
    if stream.read_exact(&mut kind).is_err() {
        return;
    }
    if kind[0] == b'S' {
        thread::sleep(SLOW);
        let _ = stream.write_all(b"slow");
    } else {
        let _ = stream.write_all(b"fast");
    }
}

const SLOW: Duration = Duration::from_secs(2);
/// Well under [`SLOW`], with room for a busy machine.
const QUICK: Duration = Duration::from_millis(1000);

/// Runs the implementation's `serve` on a fresh port, on a thread of its own (left
/// running: the loop never returns, and ends with the test process).
fn start(implementation: &Implementation) -> Result<SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let serve = implementation.serve;
    thread::spawn(move || serve(listener, handle));
    Ok(addr)
}

fn connect(addr: SocketAddr) -> Result<TcpStream, String> {
    TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))
}

fn ask(stream: &mut TcpStream, kind: u8) -> Result<(), String> {
    stream.write_all(&[kind]).map_err(|e| format!("send: {e}"))
}

fn expect_answer(stream: &mut TcpStream, wanted: &[u8], within: Duration) -> Result<(), String> {
    stream
        .set_read_timeout(Some(within.max(Duration::from_millis(1))))
        .map_err(|e| e.to_string())?;
    let mut answer = vec![0u8; wanted.len()];
    match stream.read_exact(&mut answer) {
        Ok(()) if answer == wanted => Ok(()),
        Ok(()) => Err(format!(
            "expected {:?}, got {:?}",
            String::from_utf8_lossy(wanted),
            String::from_utf8_lossy(&answer)
        )),
        Err(e) => Err(format!(
            "no {:?} within {within:?} ({e})",
            String::from_utf8_lossy(wanted)
        )),
    }
}

/// Opens `slow` slow connections and `fast` fast ones (all before sending anything),
/// sends the slow requests, then the fast ones last-to-first, and wants every fast
/// answer within [`QUICK`]. A loop serving one connection at a time is stuck in the
/// first slow client for two seconds, so it cannot pass.
fn fast_beside_slow(
    implementation: &Implementation,
    slow: usize,
    fast: usize,
) -> Result<(), String> {
    let addr = start(implementation)?;
    let mut slow_clients = (0..slow)
        .map(|_| connect(addr))
        .collect::<Result<Vec<_>, _>>()?;
    let mut fast_clients = (0..fast)
        .map(|_| connect(addr))
        .collect::<Result<Vec<_>, _>>()?;
    for client in &mut slow_clients {
        ask(client, b'S')?;
    }
    let started = Instant::now();
    for client in fast_clients.iter_mut().rev() {
        ask(client, b'F')?;
    }
    for (n, client) in fast_clients.iter_mut().enumerate().rev() {
        let left = QUICK.saturating_sub(started.elapsed());
        expect_answer(client, b"fast", left).map_err(|e| {
            format!(
                "fast client {} of {fast}, while {slow} slow ones were being served: {e}",
                n + 1
            )
        })?;
    }
    Ok(())
}
