//! Chapter 10 as a library too, so chapter 11 can be what it is: this server plus two
//! routes, with nothing copied.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};
use webcore::Router;
use webcore::cli::{ServerArgs, TimeoutArgs};

/// The flags of chapters 10 and 11.
#[derive(Parser, Debug)]
#[command(version)]
pub struct Args {
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub timeouts: TimeoutArgs,
}

// ANCHOR: main_with
/// The whole program: read the flags (as `name`, described by `about` in `--help`),
/// build the site and let `routes` add to it, then serve one connection at a time
/// until SIGINT or SIGTERM. Ok is a clean stop (exit status 0); an error is one line
/// and status 1.
pub fn main_with(
    name: &'static str,
    about: &'static str,
    routes: impl FnOnce(Router) -> Router,
) -> ExitCode {
    let matches = Args::command().name(name).about(about).get_matches();
    let args = Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let router = routes(Router::site(&args.server.root));
    let options = args.timeouts.connection_options();
    let served = webcore::serve::until_stopped(args.server.addr, &router, &options);
    webcore::cli::exit_code(served)
}
// ANCHOR_END: main_with
