//! `cargo run -p chapter11 --bin ten-at-once -- --addr 127.0.0.1:8080`
//!
//! Sends ten requests to a server at the same moment, a slow `/sleep` first and nine
//! quick `GET /` after it, and prints when each answer arrives. Against chapter 11's
//! one-at-a-time server, the nine quick ones all arrive after the slow one.
#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;

/// Send ten requests at once, a slow one first, and print when each answer arrives.
#[derive(Parser, Debug)]
#[command(name = "ten-at-once", version)]
struct Args {
    /// The server to ask.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080", value_parser = webcore::cli::parse_addr)]
    addr: SocketAddr,
    /// How long the first request asks the server to sleep.
    #[arg(long, value_name = "MS", default_value_t = 3000)]
    sleep_ms: u64,
    /// How many requests in all (the first is the slow one).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(2..=100))]
    count: u64,
}

/// One request's fate: its number, path, status line (or error), and arrival time.
struct Arrival {
    number: u64,
    path: String,
    outcome: String,
    at: Duration,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let paths: Vec<String> = (0..args.count)
        .map(|i| match i {
            0 => format!("/sleep?ms={}", args.sleep_ms),
            _ => "/".to_string(),
        })
        .collect();
    println!(
        "Sending {} requests to {} at once; #1 is GET {}",
        args.count, args.addr, paths[0]
    );
    let start = Instant::now();
    match send_all(args.addr, &paths, start) {
        Ok(arrivals) => {
            for arrival in arrivals {
                println!(
                    "{:>6} ms  #{:<2} GET {:<16} {}",
                    arrival.at.as_millis(),
                    arrival.number,
                    arrival.path,
                    arrival.outcome
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: send_all
/// Connects and sends every request first, in order, so all of them are queued at the
/// server before any answer can come back; then waits for the answers on one thread
/// each and hands them back in the order they arrived.
fn send_all(addr: SocketAddr, paths: &[String], start: Instant) -> Result<Vec<Arrival>, String> {
    let mut streams = Vec::new();
    for path in paths {
        let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect to {addr}: {e}"))?;
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .map_err(|e| format!("send {path}: {e}"))?;
        streams.push((path.clone(), stream));
    }
    let (arrived, arrivals) = mpsc::channel();
    for (number, (path, mut stream)) in (1..).zip(streams) {
        let arrived = arrived.clone();
        thread::spawn(move || {
            let outcome = read_status(&mut stream);
            let at = start.elapsed();
            let _ = arrived.send(Arrival {
                number,
                path,
                outcome,
                at,
            });
        });
    }
    drop(arrived); // the loop below ends when every thread has reported
    Ok(arrivals.iter().collect())
}
// ANCHOR_END: send_all

/// Reads the whole response and returns its status line.
fn read_status(stream: &mut TcpStream) -> String {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut response = Vec::new();
    match stream.read_to_end(&mut response) {
        Ok(_) => {
            let text = String::from_utf8_lossy(&response);
            let status_line = text.lines().next().unwrap_or_default();
            // `HTTP/1.1 200 OK` → `200 OK`
            status_line
                .split_once(' ')
                .map_or("no answer", |(_, status)| status)
                .to_string()
        }
        Err(e) => format!("failed: {e}"),
    }
}
