//! Chapter 15: one thread, many sockets, on a hand-written mio event loop. The loop is
//! in the library (`lib.rs`), so chapters 16 and 18 can build on it; this is the thin
//! `main` that starts it.
#![forbid(unsafe_code)]

use std::io;
use std::process::ExitCode;
use std::sync::Arc;

use chapter15::cli::LoopArgs;
use chapter15::{connections, event_loop};
use clap::Parser;
use mio::{Poll, Waker};
use webcore::Router;
use webcore::shutdown::Shutdown;

/// Serve the site from one thread with a mio event loop, until a signal.
#[derive(Parser, Debug)]
#[command(name = "chapter15", version)]
struct Args {
    #[command(flatten)]
    base: LoopArgs,
}

// ANCHOR: main
fn main() -> ExitCode {
    let args = Args::parse();
    webcore::cli::exit_code(serve(&args))
}

/// Sets everything up, announces the address, and runs the loop until a signal.
fn serve(args: &Args) -> Result<(), String> {
    // No cap until chapter 16; ask for room for the seed's 10,000 connections.
    webcore::fd_limit::raise_open_files(10_000);
    let args = &args.base;
    let router = Router::site(&args.server.root).with_slow_routes();
    let options = args.timeouts.connection_options();
    let (listener, addr) = args.bind()?;
    // The loop sleeps in `poll`, not in `accept`: a signal wakes it through a Waker,
    // an event the kernel delivers like any socket's.
    let (poll, shutdown) =
        with_waker().map_err(|e| format!("cannot set up the event loop: {e}"))?;
    webcore::ready::announce(addr);
    // From here on the loop writes its log lines once per turn, not once per request.
    webcore::log::buffer_this_thread();
    event_loop::run(
        poll,
        listener,
        router,
        options,
        args.drain.drain_timeout(),
        &shutdown,
    )
    .map_err(|e| format!("the event loop failed: {e}"))
}
// ANCHOR_END: main

/// A `Poll` with a `Waker`, and SIGINT/SIGTERM wired to that waker.
fn with_waker() -> io::Result<(Poll, Shutdown)> {
    let poll = Poll::new()?;
    let waker = Arc::new(Waker::new(poll.registry(), connections::WAKER)?);
    let shutdown = Shutdown::on_signal(move || {
        let _ = waker.wake();
    })?;
    Ok((poll, shutdown))
}
