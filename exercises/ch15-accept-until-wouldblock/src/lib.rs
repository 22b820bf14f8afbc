//! Exercise ch15-accept-until-wouldblock: the wiring and the checks. Do not edit this
//! file; your code goes in `src/starter.rs`.
#![forbid(unsafe_code)]

use std::io::{self, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use exercise_harness::{Check, Exercise};

#[path = "../solution/solution.rs"]
pub mod solution;
pub mod starter;

/// The function the checks call: the starter's or the solution's.
#[derive(Clone)]
pub struct Implementation {
    pub accept_all: fn(&TcpListener) -> io::Result<Vec<TcpStream>>,
}

pub fn exercise() -> Exercise<Implementation> {
    Exercise {
        name: "ch15-accept-until-wouldblock",
        task: "accept every waiting client from a non-blocking listener",
        starter_source: include_str!("starter.rs"),
        starter_fingerprint: include_str!("../starter.fingerprint"),
        starter: Implementation {
            accept_all: starter::accept_all,
        },
        solution: Implementation {
            accept_all: solution::accept_all,
        },
        checks: vec![
            Check {
                name: "no client waiting: returns at once, with none",
                run: |i| {
                    let (listener, _) = listener()?;
                    let started = Instant::now();
                    let streams = (i.accept_all)(&listener).map_err(|e| format!("error: {e}"))?;
                    expect(
                        streams.is_empty() && started.elapsed() < Duration::from_millis(500),
                        || {
                            format!(
                                "got {} streams after {:?}",
                                streams.len(),
                                started.elapsed()
                            )
                        },
                    )
                },
            },
            Check {
                name: "five waiting clients are all accepted in one call",
                run: |i| {
                    let (listener, addr) = listener()?;
                    let _clients = connect(addr, 5)?;
                    let streams = (i.accept_all)(&listener).map_err(|e| format!("error: {e}"))?;
                    expect(streams.len() == 5, || {
                        format!("accepted {} of the 5 waiting clients", streams.len())
                    })
                },
            },
            Check {
                name: "the accepted streams are non-blocking: a read with nothing to read returns WouldBlock",
                run: |i| {
                    let (listener, addr) = listener()?;
                    let _clients = connect(addr, 2)?;
                    let streams = (i.accept_all)(&listener).map_err(|e| format!("error: {e}"))?;
                    if streams.is_empty() {
                        return Err("accepted no stream".into());
                    }
                    for mut stream in streams {
                        // Guard: if the stream blocks after all, do not hang the check.
                        let _ = stream.set_read_timeout(Some(Duration::from_millis(300)));
                        let started = Instant::now();
                        match stream.read(&mut [0u8; 16]) {
                            Err(e)
                                if e.kind() == io::ErrorKind::WouldBlock
                                    && started.elapsed() < Duration::from_millis(100) => {}
                            other => {
                                return Err(format!(
                                    "a read on a silent client returned {other:?} after {:?}: the stream blocks",
                                    started.elapsed()
                                ));
                            }
                        }
                    }
                    Ok(())
                },
            },
        ],
        check_timeout: Duration::from_secs(8),
    }
}

fn expect(condition: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if condition { Ok(()) } else { Err(why()) }
}

/// A non-blocking listener on a free port.
fn listener() -> Result<(TcpListener, SocketAddr), String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("non-blocking: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    Ok((listener, addr))
}

/// Connects `count` clients. `connect` returns once the kernel has completed the
/// handshake, so each one is then waiting in the listener's queue.
fn connect(addr: SocketAddr, count: usize) -> Result<Vec<TcpStream>, String> {
    (0..count)
        .map(|_| TcpStream::connect(addr).map_err(|e| format!("connect: {e}")))
        .collect()
}
