//! Chapter 17: the server as tokio tasks. `main` only reads the flags, builds the
//! runtime and hands over to [`chapter17::server::serve`].
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chapter17::server::{self, ServerOptions};
use chapter17::{listen, shutdown};
use clap::Parser;
use webcore::Router;
use webcore::cli::{DrainArgs, ServerArgs, TimeoutArgs};

/// Serve the site with one tokio task per connection, until a signal.
#[derive(Parser, Debug)]
#[command(name = "chapter17", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    timeouts: TimeoutArgs,
    /// Worker threads of the tokio runtime [default: one per core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Connections served at once; one more is answered 503 with Retry-After.
    #[arg(long = "max-connections", value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_connections: u32,
    #[command(flatten)]
    drain: DrainArgs,
}

// ANCHOR: main
fn main() -> ExitCode {
    let args = Args::parse();
    webcore::cli::exit_code(start(args))
}

/// Builds the runtime and runs the server on it until a signal.
fn start(args: Args) -> Result<(), String> {
    webcore::fd_limit::raise_open_files(u64::from(args.max_connections));
    // `#[tokio::main]` would do, but it cannot take `--threads` from the command line.
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = args.threads {
        builder.worker_threads(usize::from(threads));
    }
    let runtime = builder
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the tokio runtime: {e}"))?;
    let result = runtime.block_on(run(args));
    // A `/cpu` job still burning on the blocking pool would keep a plain drop waiting.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

async fn run(args: Args) -> Result<(), String> {
    let listener = listen::bind(args.server.addr)
        .map_err(|e| format!("cannot listen on {}: {e}", args.server.addr))?;
    // Signals first, then the ready line: see `shutdown::on_signals`.
    let shutdown =
        shutdown::on_signals().map_err(|e| format!("cannot catch SIGINT/SIGTERM: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    webcore::ready::announce(addr);
    let router = Arc::new(Router::site(&args.server.root).with_slow_routes());
    let options = args.timeouts.connection_options();
    let limits = ServerOptions {
        max_connections: args.max_connections as usize,
        drain_timeout: args.drain.drain_timeout(),
    };
    server::serve(listener, router, options, limits, shutdown)
        .await
        .map_err(|e| format!("the listening socket failed: {e}"))
}
// ANCHOR_END: main
