//! Chapter 15: one thread, many sockets. A readiness event loop written by hand on
//! mio: the loop never blocks on a socket, so ten thousand clients cost ten thousand
//! small table entries, not ten thousand threads.
//!
//! `event_loop.rs` is the loop, `connection.rs` one client's state machine.
//! `src/bin/echo-select.rs` is where the chapter starts: the seed course's select()
//! echo server, on mio.
#![forbid(unsafe_code)]

mod connection;
mod event_loop;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use mio::{Poll, Waker};
use webcore::Router;
use webcore::cli::{ServerArgs, TimeoutArgs};
use webcore::shutdown::Shutdown;

use connection::Settings;

/// Serve the site from one thread with a mio event loop, until a signal.
#[derive(Parser, Debug)]
#[command(name = "chapter15", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    timeouts: TimeoutArgs,
    /// How many connections may wait to be accepted (capped by net.core.somaxconn).
    #[arg(long, value_name = "N", default_value_t = 4096)]
    backlog: i32,
}

// ANCHOR: main
fn main() -> ExitCode {
    let args = Args::parse();
    // No cap until chapter 16; ask for room for the seed's 10,000 connections.
    webcore::fd_limit::raise_open_files(10_000);
    let router = Router::site(&args.server.root).with_slow_routes();
    let settings = Settings {
        idle_timeout: args.timeouts.idle_timeout(),
        limits: Default::default(),
    };
    // A real backlog (see webcore's `bind_with_backlog`), and non-blocking for mio.
    let bound = webcore::ready::bind_with_backlog(args.server.addr, args.backlog).and_then(|std| {
        std.set_nonblocking(true)?;
        Ok(mio::net::TcpListener::from_std(std))
    });
    let listener = match bound {
        Ok(listener) => listener,
        Err(e) => return fail(&format!("cannot listen on {}: {e}", args.server.addr)),
    };
    // The loop sleeps in `poll`, not in `accept`: a signal wakes it through a Waker,
    // an event the kernel delivers like any socket's.
    let (poll, shutdown) = match Poll::new().and_then(|poll| {
        let waker = Arc::new(Waker::new(poll.registry(), event_loop::WAKER)?);
        let shutdown = Shutdown::on_signal(move || {
            let _ = waker.wake();
        })?;
        Ok((poll, shutdown))
    }) {
        Ok(both) => both,
        Err(e) => return fail(&format!("cannot set up the event loop: {e}")),
    };
    match listener.local_addr() {
        Ok(addr) => webcore::ready::announce(addr),
        Err(e) => return fail(&format!("cannot read the bound address: {e}")),
    }
    match event_loop::run(poll, listener, router, settings, &shutdown) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("the event loop failed: {e}")),
    }
}
// ANCHOR_END: main

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}
