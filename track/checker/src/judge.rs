//! Judging a server at a stage: the contract's checks up to the stage's chapter and the
//! track's own, as values, and how they are printed.

use std::io::Write;

use testkit::contract::{self, Check, Outcome};

use crate::checks::track_checks;
use crate::stages::{self, Stage, hint_for};

/// How the contract names a server that would not start (see `contract::run_checks`).
pub const STARTS: &str = "the server starts";

/// How the contract names a server that stopped answering after a check.
pub const STILL_ANSWERS: &str = "the server still answers";

/// What the command-line promises are called in the report.
const COMMAND_LINE: &str = "the command line: --help, bad flags exit 2, a taken port exits 1";

/// The chapter the SIGTERM promise is judged as. The contract asks more of chapters 15
/// on (close a silent connection at once, as an event loop can); the track judges every
/// technique alike, so it asks what chapter 13's design can do.
const SIGTERM_AS: u8 = 13;

/// Every outcome of judging a binary at a stage, in stage order.
#[derive(Debug)]
pub struct Judgement {
    pub stage: Stage,
    pub outcomes: Vec<Outcome>,
}

impl Judgement {
    pub fn passed(&self) -> bool {
        self.outcomes.iter().all(|outcome| outcome.result.is_ok())
    }

    pub fn failures(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes
            .iter()
            .filter(|outcome| outcome.result.is_err())
    }

    /// The earliest stage with a failure.
    pub fn first_failing_stage(&self) -> Option<Stage> {
        self.failures()
            .map(|outcome| stages::stage_of(outcome.chapter))
            .min_by_key(|stage| stage.number)
    }
}

/// Judges `binary` at `stage`: every check introduced after `after` (a chapter; 0 for
/// all) up to the stage's chapter, with the flags of the stage.
///
/// The checks that share one server run in order on it, as the contract runs them for a
/// chapter; the command line and SIGTERM, which need servers of their own, run beside.
pub fn judge(binary: &str, stage: Stage, after: u8) -> Judgement {
    let chapter = stage.number;
    let wanted = |c: u8| c > after && c <= chapter;
    let mut checks: Vec<Check> = contract::due(chapter)
        .into_iter()
        .chain(track_checks())
        .filter(|check| wanted(check.chapter))
        .collect();
    // Stable: each chapter's checks keep their order, the track's come in its place.
    checks.sort_by_key(|check| check.chapter);

    let help = help_text(binary).unwrap_or_default();
    let (mut outcomes, command_line, sigterm) = quietly(|| {
        std::thread::scope(|scope| {
            let command_line = wanted(5).then(|| {
                scope.spawn(|| {
                    without_panic(|| Ok(contract::command_line(binary, chapter)))
                        .unwrap_or_else(|why| vec![why])
                })
            });
            let sigterm = wanted(10).then(|| {
                scope.spawn(|| {
                    without_panic(|| contract::stops_cleanly(binary, chapter.min(SIGTERM_AS)))
                })
            });
            let outcomes =
                contract::run_checks(binary, flags_for(&help, chapter), &checks).outcomes;
            let join = "a judging thread turns its panics into failures";
            (
                outcomes,
                command_line.map(|h| h.join().expect(join)),
                sigterm.map(|h| h.join().expect(join)),
            )
        })
    });
    if let Some(failures) = command_line {
        // `--help` must list the flags of the stage: a missing `--root` is stage 07's
        // failure, not stage 05's.
        let chapter_of = |why: &str| {
            // The first line names the flag; the rest quotes the whole `--help`.
            let first = why.lines().next().unwrap_or_default();
            if first.contains("--idle-timeout") {
                10
            } else if first.contains("--root") || first.contains("mention static") {
                7
            } else {
                5
            }
        };
        for chapter in [5, 7, 10] {
            let mine: Vec<&str> = failures
                .iter()
                .map(|why| why.trim_start_matches("✗ "))
                .filter(|why| chapter_of(why) == chapter)
                .collect();
            if chapter == 5 || !mine.is_empty() {
                outcomes.push(Outcome {
                    check: COMMAND_LINE.to_string(),
                    chapter,
                    result: if mine.is_empty() {
                        Ok(())
                    } else {
                        Err(mine.join("\n"))
                    },
                });
            }
        }
    }
    // A server that does not start is blamed on the first flag its `--help` lacks: the
    // contract reads its stderr for that, which may not have been read yet.
    for outcome in &mut outcomes {
        if outcome.check.starts_with(STARTS) && outcome.result.is_err() {
            if chapter >= 7 && !help.contains("--root") {
                outcome.chapter = 7;
            } else if chapter >= 10 && !help.contains("--idle-timeout") {
                outcome.chapter = 10;
            }
        }
    }
    // A server that does not start with the stage's flags fails that once: the SIGTERM
    // check, on a server of its own with the same flags, would only say it again.
    let started = !outcomes.iter().any(|o| o.check.starts_with(STARTS));
    if let Some(result) = sigterm.filter(|_| started) {
        outcomes.push(Outcome {
            check: "SIGTERM: the request in flight is answered, then exit 0".to_string(),
            chapter: 10,
            result: result.map_err(|why| why.trim_start_matches("✗ ").to_string()),
        });
    }
    // Stable, so within a stage the server's checks come first, in order.
    outcomes.sort_by_key(|outcome| stages::stage_of(outcome.chapter).number);
    Judgement { stage, outcomes }
}

/// The chapter whose flags to start the server with for a stage's checks: the stage's,
/// or a later one's when the server's `--help` shows it takes `--idle-timeout` (10) or
/// `--root` (07) already. A server that keeps connections alive (stage 18) judged at an
/// earlier stage would otherwise keep each check's connection open for its default idle
/// timeout, where the checks expect `--idle-timeout 1`.
fn flags_for(help: &str, chapter: u8) -> u8 {
    if help.contains("--idle-timeout") && help.contains("--root") {
        chapter.max(10)
    } else if help.contains("--root") {
        chapter.max(7)
    } else {
        chapter
    }
}

/// What `binary --help` prints, if it exits within a few seconds (a server that ignores
/// its flags starts serving instead, and is killed).
fn help_text(binary: &str) -> Option<String> {
    use std::process::{Command, Stdio};
    let mut child = Command::new(binary)
        .arg("--help")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let exited = testkit::wait_until(std::time::Duration::from_secs(5), || {
        matches!(child.try_wait(), Ok(Some(_)))
    });
    if !exited {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    }
    let output = child.wait_with_output().ok()?;
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs `f`, turning a panic (the contract's helpers panic when a server will not
/// start) into `Err`.
fn without_panic<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic without a message".to_string()))
    })
}

/// Runs `f` with Rust's panic report silenced: a check that cannot connect panics inside
/// the test client, the contract turns that into a failure, and the learner should see
/// the failure once, not a panic report above it.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let value = f();
    std::panic::set_hook(previous);
    value
}

/// `stage 07 (files safely)`.
pub fn label(stage: Stage) -> String {
    format!("stage {:02} ({})", stage.number, stage.name)
}

/// Prints the judgement in the style of CodeCrafters' tester: a line per check, each
/// failure with what happened (the request as a replay line), a hint that names the
/// book's page, and at the end what to do next. Returns the exit code.
pub fn report(judgement: &Judgement, out: &mut impl Write) -> i32 {
    // A failed write to the terminal is not worth a panic: the exit code still tells.
    for outcome in &judgement.outcomes {
        let stage = stages::stage_of(outcome.chapter);
        match &outcome.result {
            Ok(()) => {
                let _ = writeln!(out, "✓ {}: {}", label(stage), outcome.check);
            }
            Err(why) => {
                let _ = writeln!(out, "✗ {}: {}", label(stage), outcome.check);
                for line in why.trim_end().lines() {
                    let _ = writeln!(out, "    {}", line.trim_start());
                }
                let hint = hint_for(&outcome.check, outcome.chapter);
                let _ = writeln!(out, "  hint: {}", hint.line());
            }
        }
    }
    let _ = writeln!(out);
    let stage = judgement.stage;
    match judgement.first_failing_stage() {
        None => {
            let _ = writeln!(
                out,
                "{} passes: every check up to chapter {:02} ({} checks).",
                label(stage),
                stage.number,
                judgement.outcomes.len()
            );
            let _ = match stages::next(stage) {
                Some(next) => writeln!(
                    out,
                    "Next: {}: {}{}.\n  cargo run -p build-your-own -- --stage {:02}",
                    label(next),
                    next.goal,
                    next.new_flags
                        .map(|flags| format!(" (the checker adds {flags})"))
                        .unwrap_or_default(),
                    next.number
                ),
                None => writeln!(
                    out,
                    "That is the last stage: your server keeps the whole contract the track judges."
                ),
            };
            0
        }
        Some(failing) => {
            let failed = judgement.failures().count();
            let _ = writeln!(
                out,
                "{} does not pass yet: {failed} of {} checks fail.",
                label(stage),
                judgement.outcomes.len()
            );
            let _ = if failing.number < stage.number {
                writeln!(
                    out,
                    "Next: fix {} first ({}), then run this again.",
                    label(failing),
                    failing.goal
                )
            } else {
                writeln!(
                    out,
                    "Next: {}: {}. Fix the failures above, then run this again.",
                    label(failing),
                    failing.goal
                )
            };
            1
        }
    }
}
