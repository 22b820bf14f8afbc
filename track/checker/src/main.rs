//! `cargo run -p build-your-own -- --stage NN` judges your server (track/your-server)
//! at a stage; `cargo run -p build-your-own -- progress` shows where you are.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use build_your_own::stages::{self, STAGES, Stage};
use build_your_own::{cargo, judge, progress};
use clap::{Parser, Subcommand};

/// Judge your own server (track/your-server) against the contract every chapter of the
/// book keeps, stage by stage: 04 respond, 05 parse, 06 answer properly, 07 files
/// safely, 08 pages, 10 survive bad input and slow clients, 13 concurrency, 16 a limit,
/// 18 keep-alive.
#[derive(Parser, Debug)]
#[command(
    name = "build-your-own",
    version,
    args_conflicts_with_subcommands = true
)]
struct Args {
    /// Run every check up to this stage's chapter (04 05 06 07 08 10 13 16 18).
    #[arg(long, value_name = "NN", value_parser = parse_stage)]
    stage: Option<Stage>,
    /// Judge this server binary instead of building track/your-server.
    #[arg(long, value_name = "PATH", global = true)]
    binary: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Every exercise and stage: what is done, and what is next.
    Progress {
        /// Run the exercises' binaries from this folder instead of building them.
        #[arg(long, value_name = "DIR")]
        exercise_bins: Option<PathBuf>,
    },
}

fn parse_stage(text: &str) -> Result<Stage, String> {
    let numbers: Vec<String> = STAGES.iter().map(|s| format!("{:02}", s.number)).collect();
    text.parse::<u8>()
        .ok()
        .and_then(stages::stage)
        .ok_or_else(|| format!("no stage {text}: the stages are {}", numbers.join(" ")))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match (args.command, args.stage) {
        (Some(Command::Progress { exercise_bins }), _) => {
            show_progress(args.binary, exercise_bins);
            ExitCode::SUCCESS
        }
        (None, Some(stage)) => judge_stage(args.binary, stage),
        (None, None) => {
            eprintln!(
                "error: say which stage to judge, e.g. `cargo run -p build-your-own -- --stage 04`, \
                 or ask for `progress`; see --help"
            );
            ExitCode::from(2)
        }
    }
}

/// The learner's server: `--binary`, or track/your-server built now.
fn server_binary(binary: Option<PathBuf>) -> Result<String, String> {
    if let Some(path) = binary {
        return Ok(path.to_string_lossy().into_owned());
    }
    let built = cargo::build(&["your-server"])?;
    built
        .get("your-server")
        .map(|path| path.to_string_lossy().into_owned())
        .ok_or_else(|| "track/your-server does not compile: cargo's messages are above".into())
}

fn judge_stage(binary: Option<PathBuf>, stage: Stage) -> ExitCode {
    let binary = match server_binary(binary) {
        Ok(binary) => binary,
        Err(why) => {
            eprintln!("error: {why}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "Judging {binary} at {}: every check up to chapter {:02}\n",
        judge::label(stage),
        stage.number
    );
    let judgement = judge::judge(&binary, stage, 0);
    let code = judge::report(&judgement, &mut std::io::stdout().lock());
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

fn show_progress(binary: Option<PathBuf>, exercise_bins: Option<PathBuf>) {
    let names: Vec<&str> = exercise_harness::info::all()
        .iter()
        .map(|info| info.name.as_str())
        .collect();
    // One cargo run builds whatever needs building: the exercises (unless their binaries
    // were given) and the learner's server (unless it was).
    let mut packages: Vec<&str> = Vec::new();
    if exercise_bins.is_none() {
        packages.extend(&names);
    }
    if binary.is_none() {
        packages.push("your-server");
    }
    eprintln!("Building {} packages …", packages.len());
    let built = if packages.is_empty() {
        Ok(Default::default())
    } else {
        cargo::build_keep_going(&packages)
    };
    let built = match built {
        Ok(built) => built,
        Err(why) => {
            eprintln!("error: {why}");
            Default::default()
        }
    };
    eprintln!("Running the checks of every exercise and stage …");
    let exercises = progress::check_exercises(|name| match &exercise_bins {
        Some(dir) => Some(dir.join(name)).filter(|path| path.exists()),
        None => built.get(name).cloned(),
    });
    let server = match binary {
        Some(path) => Some(path.to_string_lossy().into_owned()),
        None => built
            .get("your-server")
            .map(|path| path.to_string_lossy().into_owned()),
    };
    let stages = match server {
        Some(server) => progress::check_stages(&server),
        None => progress::StageProgress {
            passed: None,
            failing: None,
            not_judged: Some("track/your-server does not compile".to_string()),
        },
    };
    progress::render(&exercises, &stages, &mut std::io::stdout().lock());
}
