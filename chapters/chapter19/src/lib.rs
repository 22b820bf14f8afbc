//! Chapter 19: the comparison runner. Which model should I use, and how far is my server
//! from the real ones? It answers with numbers made on the reader's own machine:
//!
//! ```text
//! cargo run --release -p chapter19 -- --out book/src/measured/
//! ```
//!
//! builds every Part II chapter and every peer, starts each one fresh for each of five
//! workloads ([`workloads`]), drives it with chapter 12's load generator on 127.0.0.1,
//! reads what it cost from `/proc` ([`usage`]), and writes `results.json`, then markdown
//! tables ([`tables`]) and SVG charts ([`charts`]) drawn from that file alone
//! (`--render-only results.json` redraws them).
//!
//! - [`cli`]: the command line;
//! - [`servers`]: who is measured, and how each is started and stopped;
//! - [`workloads`]: what each is asked, and one bounded measurement;
//! - [`usage`]: CPU, memory, threads and open files of a process tree;
//! - [`results`]: the JSON file read back, and the figures tables and charts share;
//! - [`tables`], [`charts`]: markdown and SVG.

#![forbid(unsafe_code)]

pub mod charts;
pub mod cli;
pub mod results;
pub mod servers;
pub mod tables;
pub mod usage;
pub mod workloads;

pub use cli::Args;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};

use servers::{Places, Server};
use workloads::Workload;

/// Descriptors the client needs for workload 4: its ten thousand connections, and room
/// for the poll, `/proc` reads and the server's pipe.
const C10K_DESCRIPTORS: u64 = 10_000 + 500;

/// The workspace, found from any working directory.
pub const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// Runs the comparison `args` asks for (or only redraws, with `--render-only`).
pub fn run(args: &Args) -> Result<(), String> {
    if let Some(file) = &args.render_only {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let results =
            results::Results::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        return render(&results, &args.out);
    }
    let chosen = choose_servers(&args.servers)?;
    let chosen_workloads = choose_workloads(&args.workloads)?;
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let started = Instant::now();
    let started_at = SystemTime::now();
    let load_before = load_average();
    let mut notes = Vec::new();

    // ANCHOR: open_files
    // Ten thousand connections: this process holds one descriptor for each, and so does
    // the server, which inherits the limit raised here (and may raise its own further).
    // webcore prints one line when the hard limit is too low; the tables repeat it.
    let limit = webcore::fd_limit::raise_open_files(C10K_DESCRIPTORS);
    let hard = rlimit::Resource::NOFILE
        .get()
        .map_or(limit, |(_, hard)| hard);
    if let Some(line) = webcore::fd_limit::shortfall(C10K_DESCRIPTORS, limit, hard) {
        notes.push(line);
    }
    // ANCHOR_END: open_files

    if !args.no_build {
        build(&chosen)?;
    }
    let places = places(args)?;
    let mut servers: Vec<&Server> = Vec::new();
    for server in chosen {
        match servers::missing(server, &places) {
            Some(note) => {
                eprintln!("skipped {note}");
                notes.push(format!("skipped {note}"));
            }
            None => servers.push(server),
        }
    }
    if servers.iter().any(|s| s.kind == servers::Kind::Nginx) {
        notes.push(format!(
            "nginx runs with bench/nginx.conf.template, `{}` instead of its 4096 so that workload 4's ten thousand connections fit.",
            servers::NGINX_CONNECTIONS
        ));
    }
    let runs = measure_all(&servers, &chosen_workloads, args, &places);
    let _ = std::fs::remove_dir_all(&places.scratch);

    let document = json!({
        "schema": 1,
        "command": command_line(),
        "started_utc": utc(started_at),
        "duration_s": started.elapsed().as_secs_f64(),
        "cores": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "open_files_limit": limit,
        "quick": args.quick,
        "rounds": args.rounds,
        "notes": notes,
        "workloads": chosen_workloads.iter().map(|&w| workload_json(w, args.quick)).collect::<Vec<_>>(),
        "servers": servers.iter().map(|s| server_json(s)).collect::<Vec<_>>(),
        "runs": runs,
    });
    let text = serde_json::to_string_pretty(&document).expect("a JSON value always serialises");
    let path = args.out.join("results.json");
    std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    let results = results::Results::parse(&document.to_string())?;
    render(&results, &args.out)
}

/// Writes every table and chart for `results` into `out`.
pub fn render(results: &results::Results, out: &Path) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    for (name, text) in tables::all(results) {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    charts::all(results, out)
}

// ANCHOR: measure_all
/// Every workload against every server, a fresh server process for each run. Servers
/// take turns within a workload, and each round starts the turn one server later: a
/// machine that gets busier over the minutes slows everyone alike, not the last rows.
fn measure_all(
    servers: &[&Server],
    chosen: &[Workload],
    args: &Args,
    places: &Places,
) -> Vec<Value> {
    let in_round = |round: usize| chosen.iter().filter(move |w| round == 0 || w.repeats());
    let total: usize = (0..args.rounds as usize)
        .map(|r| in_round(r).count() * servers.len())
        .sum();
    let total = total as u64;
    let progress = progress_bar(total);
    let mut runs = Vec::new();
    for round in 0..args.rounds as usize {
        for &workload in in_round(round) {
            for turn in 0..servers.len() {
                let server = servers[(turn + round) % servers.len()];
                progress.set_message(format!("{} · {}", workload.id(), server.name));
                let mut run = measure_one(workload, server, args.quick, places);
                run["round"] = json!(round);
                progress.inc(1);
                if progress.is_hidden() {
                    eprintln!(
                        "[{}/{total}] {}",
                        progress.position(),
                        results::one_line(&run)
                    );
                }
                runs.push(run);
            }
        }
    }
    progress.finish_and_clear();
    runs
}
// ANCHOR_END: measure_all

fn measure_one(workload: Workload, server: &Server, quick: bool, places: &Places) -> Value {
    if let Some(why) = workload.not_for(server) {
        return workloads::skipped(workload, server, why);
    }
    match servers::start(server, places) {
        Ok(mut running) => {
            workloads::measure(workload, server, &mut running, &workload.settings(quick))
        }
        Err(why) => workloads::failed(workload, server, &why),
    }
}

fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{bar:30} {pos}/{len} runs, {elapsed} elapsed, {eta} left: {msg}",
    )
    .expect("the template is a valid indicatif template");
    bar.set_style(style);
    bar
}

fn choose_servers(names: &[String]) -> Result<Vec<&'static Server>, String> {
    if names.is_empty() {
        return Ok(servers::ROSTER.iter().collect());
    }
    names
        .iter()
        .map(|name| {
            servers::find(name).ok_or_else(|| {
                let known: Vec<&str> = servers::ROSTER.iter().map(|s| s.name).collect();
                format!(
                    "no server called {name:?}; the servers are {}",
                    known.join(", ")
                )
            })
        })
        .collect()
}

fn choose_workloads(names: &[String]) -> Result<Vec<Workload>, String> {
    if names.is_empty() {
        return Ok(workloads::ALL.to_vec());
    }
    names
        .iter()
        .map(|name| {
            Workload::from_id(name).ok_or_else(|| {
                let known: Vec<&str> = workloads::ALL.iter().map(|w| w.id()).collect();
                format!(
                    "no workload called {name:?}; the workloads are {}",
                    known.join(", ")
                )
            })
        })
        .collect()
}

/// One `cargo build --release` for every chapter chosen, and the peers.
fn build(chosen: &[&Server]) -> Result<(), String> {
    let mut packages: Vec<&str> = chosen
        .iter()
        .filter(|s| s.kind == servers::Kind::Chapter)
        .map(|s| s.name)
        .collect();
    if chosen.iter().any(|s| s.kind == servers::Kind::RustPeer) {
        packages.push("peers");
    }
    if packages.is_empty() {
        return Ok(());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(&cargo);
    command
        .current_dir(WORKSPACE)
        .args(["build", "--release", "--quiet"]);
    for package in &packages {
        command.args(["-p", package]);
    }
    eprintln!("building {} (cargo build --release)", packages.join(", "));
    let status = command
        .status()
        .map_err(|e| format!("running {cargo}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo build --release -p {} failed",
            packages.join(" -p ")
        ))
    }
}

/// Where the binaries are (`--bin-dir`, or the `release` folder beside this program's
/// own), and a fresh scratch folder holding the site.
fn places(args: &Args) -> Result<Places, String> {
    let bin_dir = match &args.bin_dir {
        Some(dir) => dir.clone(),
        None => {
            let exe = std::env::current_exe().map_err(|e| format!("finding this program: {e}"))?;
            let dir = exe.parent().unwrap_or(Path::new(".")).to_path_buf();
            // `cargo run` without --release runs target/debug/chapter19; the servers are
            // always measured as release builds.
            match dir.file_name().and_then(|n| n.to_str()) {
                Some("debug") | Some("deps") => {
                    let target = if dir.ends_with("deps") {
                        dir.parent().and_then(Path::parent)
                    } else {
                        dir.parent()
                    };
                    target.unwrap_or(Path::new(".")).join("release")
                }
                _ => dir,
            }
        }
    };
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let scratch = std::env::temp_dir().join(format!("chapter19-{}-{nanos}", std::process::id()));
    let places = Places {
        bin_dir,
        workspace: PathBuf::from(WORKSPACE),
        scratch,
    };
    servers::prepare_site(&places, &places.workspace.join("static"))?;
    Ok(places)
}

/// The command as a reader would type it again.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        "cargo run --release -p chapter19".into()
    } else {
        format!("cargo run --release -p chapter19 -- {}", args.join(" "))
    }
}

/// The 1-, 5- and 15-minute load averages: how busy the shared machine was.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

fn workload_json(workload: Workload, quick: bool) -> Value {
    let s = workload.settings(quick);
    json!({
        "id": workload.id(),
        "title": workload.title(),
        "requests": s.requests,
        "concurrency": s.concurrency,
        "keep_alive": s.keep_alive,
        "path": s.path,
        "slow_path": s.slow.as_ref().map(|(path, _)| path),
        "slow_share": s.slow.as_ref().map(|(_, share)| share),
        "warm_up": s.warm_up,
        "seconds": s.seconds,
        "timeout_s": s.timeout,
        "deadline_s": s.deadline,
    })
}

fn server_json(server: &Server) -> Value {
    json!({
        "name": server.name,
        "model": server.model,
        "kind": format!("{:?}", server.kind),
        "twin": server.twin,
        "floor": server.floor,
    })
}

/// `2026-12-01 15:04 UTC`, from the system clock (civil-from-days, Howard Hinnant's
/// algorithm: no date library for one line of text).
pub fn utc(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let (hour, minute) = (secs % 86_400 / 3_600, secs % 3_600 / 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn utc_dates() {
        let at = |secs| utc(SystemTime::UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(at(0), "1970-01-01 00:00 UTC");
        assert_eq!(at(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(at(1_798_729_500), "2026-12-31 15:05 UTC");
    }

    #[test]
    fn names_are_checked() {
        assert!(choose_servers(&["chapter15".into(), "nginx".into()]).is_ok());
        let err = choose_servers(&["apache".into()]).expect_err("not on the roster");
        assert!(err.contains("chapter13"), "{err}");
        assert!(choose_workloads(&["c10k".into()]).is_ok());
        assert!(choose_workloads(&["c10K".into()]).is_err());
    }
}
