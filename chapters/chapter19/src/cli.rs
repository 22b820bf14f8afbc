//! The command line.

use std::path::PathBuf;

use clap::Parser;

// ANCHOR: args
/// Start every Part II server and the peers a reader knows (nginx, hyper, the minimal
/// servers, Python's), run the same five workloads against each on 127.0.0.1, and write
/// one JSON file of results, with markdown tables and SVG charts drawn from it.
#[derive(Parser, Debug, Clone)]
#[command(name = "chapter19", version)]
pub struct Args {
    /// Folder for results.json, the tables (*.md.txt) and the charts (*.svg).
    #[arg(long, value_name = "DIR", default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../book/src/measured"))]
    pub out: PathBuf,

    /// Measure nothing: redraw the tables and charts into --out from a saved results.json.
    #[arg(long, value_name = "FILE.json")]
    pub render_only: Option<PathBuf>,

    /// Tiny counts: the whole run takes seconds (for tests and a first look).
    #[arg(long)]
    pub quick: bool,

    /// Servers to measure, comma-separated (default: all of them).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub servers: Vec<String>,

    /// Workloads to run, comma-separated: close, keep-alive, head-of-line, c10k, cpu
    /// (default: all).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub workloads: Vec<String>,

    /// Rounds of workloads 1 and 2 (the others run once): each server is measured once
    /// per round, the order rotated, and the tables show its median run by server CPU
    /// per request (other processes only ever add to it, so a disturbed run lands on top).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=9))]
    pub rounds: u32,

    /// Do not run `cargo build --release` for the chapters and peers first.
    #[arg(long)]
    pub no_build: bool,

    /// Where the chapters' and peers' release binaries are (default: target/release).
    #[arg(long, value_name = "DIR")]
    pub bin_dir: Option<PathBuf>,
}
// ANCHOR_END: args
