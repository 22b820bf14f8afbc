//! The exercise machinery, in the spirit of rustlings.
//!
//! Every exercise is a small package under `exercises/` with:
//!
//! - `src/starter.rs`: the file the learner edits; every place to edit says `// TODO`;
//! - `solution/solution.rs`: the reference solution, with the same public items;
//! - one entry in `exercises/info.toml` (see [`info`]): its name, chapter, task and the
//!   hint printed when the learner's attempt fails;
//! - `starter.fingerprint`: a fingerprint of the untouched starter (see [`fingerprint`]);
//! - `src/lib.rs`: the checks, written once and run against both versions, so starter
//!   and solution are judged by the very same tests;
//! - `src/main.rs`: `cargo run -p <exercise>` runs the checks against the starter;
//! - `tests/exercise.rs`: plain `cargo test` calls [`verify`], which runs the checks
//!   against the solution (they must pass) and the untouched starter (it must fail).
//!
//! A check fails by returning `Err`, never by panicking. So when a panic comes from an
//! exercise's `src/lib.rs`, it is one the check causes on purpose (a handler or a job
//! written to panic), and [`learner_main`] says so under that check; any other panic is
//! the learner's code, and it says that instead, with where it happened.

#![forbid(unsafe_code)]

pub mod info;

use std::any::Any;
use std::io::Write;
use std::process::Command;
use std::sync::{Mutex, mpsc};
use std::thread::{self, ThreadId};
use std::time::Duration;

/// One check: a name a learner understands, and a function that returns what went wrong.
/// `I` is the exercise's table of functions (the starter's or the solution's).
pub struct Check<I> {
    pub name: &'static str,
    pub run: fn(&I) -> Result<(), String>,
}

/// An exercise: its checks and the two implementations they judge.
pub struct Exercise<I> {
    /// The package name, e.g. `ch03-uppercase-echo`.
    pub name: &'static str,
    /// One line: what to build. The same as the `task` of the exercise's entry in
    /// `exercises/info.toml`, which is what the learner sees ([`verify`] checks they agree).
    pub task: &'static str,
    /// The text of `src/starter.rs`, to check its `// TODO` markers.
    pub starter_source: &'static str,
    /// The text of `starter.fingerprint`.
    pub starter_fingerprint: &'static str,
    /// The learner's version.
    pub starter: I,
    /// The reference solution.
    pub solution: I,
    pub checks: Vec<Check<I>>,
    /// How long one check may run before it counts as failed (a starter that blocks
    /// forever on `accept` must fail, not hang the test run).
    pub check_timeout: Duration,
}

/// What one check gave: its name, whether it passed (and why not), and a line for each
/// panic seen while it ran that did not end it (see [`learner_main`]).
#[derive(Debug)]
pub struct Outcome {
    pub name: &'static str,
    pub result: Result<(), String>,
    pub notes: Vec<String>,
}

/// What running every check gave, in order.
#[derive(Debug)]
pub struct Report {
    pub results: Vec<Outcome>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.results.iter().all(|outcome| outcome.result.is_ok())
    }

    pub fn failures(&self) -> impl Iterator<Item = (&'static str, &String)> {
        self.results
            .iter()
            .filter_map(|outcome| outcome.result.as_ref().err().map(|why| (outcome.name, why)))
    }
}

impl<I> Exercise<I> {
    /// The exercise's entry in `exercises/info.toml`.
    pub fn info(&self) -> Option<&'static info::Info> {
        info::find(self.name)
    }

    /// The hint the learner sees: the one in `exercises/info.toml`.
    pub fn hint(&self) -> &str {
        self.info().map_or(
            "(no hint yet: this exercise has no entry in exercises/info.toml)",
            |entry| entry.hint.as_str(),
        )
    }

    /// The task the learner sees: the one in `exercises/info.toml`.
    pub fn task(&self) -> &str {
        self.info().map_or(self.task, |entry| entry.task.as_str())
    }
}

impl<I: Clone + Send + 'static> Exercise<I> {
    /// Runs every check against `implementation`, each on its own thread with a deadline.
    pub fn run(&self, implementation: &I) -> Report {
        let results = self
            .checks
            .iter()
            .map(|check| self.run_check(check, implementation))
            .collect();
        Report { results }
    }

    /// Runs one check. While [`PanicRecorder`] is installed, the panics recorded during
    /// the check are sorted into the one that ended it, if any, and notes.
    fn run_check(&self, check: &Check<I>, implementation: &I) -> Outcome {
        // Anything recorded before now came from a thread an earlier check left behind
        // (one that timed out): that check has already failed, so it is dropped.
        drop(take_panics());
        let (ending, check_thread) =
            run_with_deadline(check.run, implementation.clone(), self.check_timeout);
        explain(
            check.name,
            ending,
            check_thread,
            self.check_timeout,
            take_panics(),
        )
    }
}

/// How a check's thread ended.
#[derive(Debug)]
enum Ending {
    Returned(Result<(), String>),
    Panicked(String),
    TimedOut,
}

fn run_with_deadline<I: Send + 'static>(
    check: fn(&I) -> Result<(), String>,
    implementation: I,
    timeout: Duration,
) -> (Ending, ThreadId) {
    let (done_tx, done_rx) = mpsc::channel();
    // The thread is detached on purpose: if the code under test blocks forever, the
    // check fails after `timeout` and the blocked thread dies with the process.
    let handle = thread::spawn(move || {
        // AssertUnwindSafe: after a panic the implementation is dropped, never reused.
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || check(&implementation)));
        let _ = done_tx.send(outcome);
    });
    let check_thread = handle.thread().id();
    let ending = match done_rx.recv_timeout(timeout) {
        Ok(Ok(result)) => Ending::Returned(result),
        Ok(Err(panic)) => Ending::Panicked(panic_message(&panic)),
        Err(_) => Ending::TimedOut,
    };
    (ending, check_thread)
}

/// One panic, as the panic hook saw it.
#[derive(Debug, Clone)]
struct PanicRecord {
    thread: ThreadId,
    /// `file:line:column`, the file relative to the workspace.
    location: String,
    message: String,
}

impl PanicRecord {
    /// Whether the panic comes from an exercise's checks file (`exercises/NAME/src/lib.rs`).
    /// A check never panics to fail (it returns `Err`), so such a panic is one the check
    /// provokes on purpose: a handler or a job that is meant to panic.
    fn provoked_by_the_check(&self) -> bool {
        let file = self.location.replace('\\', "/");
        let file = file.split(':').next().unwrap_or_default();
        file.contains("exercises/") && file.ends_with("/src/lib.rs")
    }
}

/// Every panic since the last [`take_panics`], while a [`PanicRecorder`] is installed.
static PANICS: Mutex<Vec<PanicRecord>> = Mutex::new(Vec::new());

fn take_panics() -> Vec<PanicRecord> {
    std::mem::take(
        &mut *PANICS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
    )
}

/// Replaces Rust's panic report ("thread '<unnamed>' panicked at …", printed the moment
/// it happens, above the list of checks) with a record, so that each panic can be shown
/// under the check it belongs to and said to be either the check's own, on purpose, or
/// the learner's. Dropping it puts the previous hook back.
struct PanicRecorder {
    previous: Option<PanicHook>,
}

/// What `std::panic::take_hook` returns.
type PanicHook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

impl PanicRecorder {
    fn install() -> PanicRecorder {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|info| {
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_else(|| "an unknown place".to_string());
            let message = if let Some(text) = info.payload().downcast_ref::<&str>() {
                text.to_string()
            } else if let Some(text) = info.payload().downcast_ref::<String>() {
                text.clone()
            } else {
                "a panic without a message".to_string()
            };
            let record = PanicRecord {
                thread: thread::current().id(),
                location,
                message,
            };
            PANICS
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(record);
        }));
        PanicRecorder {
            previous: Some(previous),
        }
    }
}

impl Drop for PanicRecorder {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            std::panic::set_hook(previous);
        }
    }
}

/// Turns how a check ended, and the panics recorded while it ran, into its outcome.
fn explain(
    name: &'static str,
    ending: Ending,
    check_thread: ThreadId,
    timeout: Duration,
    mut panics: Vec<PanicRecord>,
) -> Outcome {
    let result = match ending {
        Ending::Returned(result) => result,
        Ending::TimedOut => Err(timeout_message(timeout)),
        Ending::Panicked(message) => {
            // The panic that ended the check is the last one its own thread recorded.
            let fatal = panics
                .iter()
                .rposition(|panic| panic.thread == check_thread)
                .map(|at| panics.remove(at));
            Err(match fatal {
                Some(panic) if panic.provoked_by_the_check() => format!(
                    "the check causes a panic on purpose (\"{message}\"), and your code let it \
                     through instead of handling it"
                ),
                Some(panic) => format!("your code panicked at {}: {message}", panic.location),
                None => format!("panicked: {message}"),
            })
        }
    };
    let notes = panics
        .iter()
        .map(|panic| {
            if panic.provoked_by_the_check() {
                format!(
                    "(a panic the check causes on purpose, \"{}\": part of the check, not a fault in your code)",
                    panic.message
                )
            } else {
                let thread = if panic.thread == check_thread {
                    "and caught it"
                } else {
                    "on another thread"
                };
                format!(
                    "your code panicked at {}: {} ({thread})",
                    panic.location, panic.message
                )
            }
        })
        .collect();
    Outcome {
        name,
        result,
        notes,
    }
}

/// Why a check that ran out of time failed. A check never finishes for one of two
/// reasons, and the learner cannot tell which from the outside: the code waits for
/// something that never comes, or it never stops working.
fn timeout_message(timeout: Duration) -> String {
    format!(
        "did not finish within {timeout:?}: either something waits for ever (a read, an \
         accept, a lock or a channel that never delivers) or a loop never ends (one whose \
         exit condition is never met)"
    )
}

fn panic_message(payload: &Box<dyn Any + Send>) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// A fingerprint of a starter's text (64-bit FNV-1a over its lines, trailing
/// whitespace ignored), so the checks know whether the starter is still untouched.
pub fn fingerprint(source: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for line in source.lines() {
        for byte in line.trim_end().bytes().chain(std::iter::once(b'\n')) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// `cargo run -p <exercise>`: judges the learner's starter, prints every check and,
/// when one fails, the exercise's name and hint. Returns the process exit code.
pub fn learner_main<I: Clone + Send + 'static>(exercise: &Exercise<I>) -> i32 {
    let stdout = std::io::stdout();
    report_to(exercise, &mut stdout.lock())
}

/// What [`learner_main`] prints, written to `out`. Each check is printed as soon as it
/// has run, with the panics seen during it right under it: Rust's own report of each
/// panic is replaced meanwhile, so none lands above the list without an explanation.
pub fn report_to<I: Clone + Send + 'static>(exercise: &Exercise<I>, out: &mut impl Write) -> i32 {
    // A failed write to the terminal is not worth a panic: the exit code still tells.
    let _ = writeln!(out, "Exercise {}: {}", exercise.name, exercise.task());
    let _ = writeln!(out, "Checking your code in src/starter.rs …\n");
    let recorder = PanicRecorder::install();
    let mut results = Vec::new();
    for check in &exercise.checks {
        let outcome = exercise.run_check(check, &exercise.starter);
        let _ = match &outcome.result {
            Ok(()) => writeln!(out, "  ✓ {}", outcome.name),
            Err(why) => writeln!(
                out,
                "  ✗ {}\n      {}",
                outcome.name,
                why.replace('\n', "\n      ")
            ),
        };
        for note in &outcome.notes {
            let _ = writeln!(out, "      {note}");
        }
        let _ = out.flush();
        results.push(outcome);
    }
    drop(recorder);
    let report = Report { results };
    if report.passed() {
        let _ = writeln!(
            out,
            "\nExercise {} is done: all {} checks pass.",
            exercise.name,
            report.results.len()
        );
        0
    } else {
        let failed = report.failures().count();
        let _ = writeln!(
            out,
            "\nExercise {} is not done yet: {failed} of {} checks fail.",
            exercise.name,
            report.results.len()
        );
        let _ = writeln!(
            out,
            "Hint for {}:\n{}",
            exercise.name,
            indent(exercise.hint().trim())
        );
        1
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The check that plain `cargo test` runs for every exercise (like rustlings'
/// `dev check`):
///
/// 1. the reference solution passes every check;
/// 2. the exercise has its entry in `exercises/info.toml`, with a hint and the same task
///    and chapter as the package, and the starter marks the places to edit with `// TODO`;
/// 3. the untouched starter fails at least one check, and the learner's command
///    (`learner_binary`, the package's `src/main.rs`) exits 1 naming the exercise and
///    printing its hint.
///
/// Step 3 needs the starter untouched: a learner who has solved it in place would
/// otherwise see `cargo test` fail. So when the starter's fingerprint no longer matches
/// `starter.fingerprint` the step is skipped, except in CI (`CI` set), where an edited
/// starter without a new fingerprint is an error.
pub fn verify<I: Clone + Send + 'static>(exercise: &Exercise<I>, learner_binary: &str) {
    let solution = exercise.run(&exercise.solution);
    let failures: Vec<String> = solution
        .failures()
        .map(|(name, why)| format!("  ✗ {name}: {why}"))
        .collect();
    assert!(
        failures.is_empty(),
        "the reference solution of {} fails:\n{}",
        exercise.name,
        failures.join("\n")
    );
    let entry = exercise.info().unwrap_or_else(|| {
        panic!(
            "{} has no entry in exercises/info.toml: add one with its name, chapter, task and hint",
            exercise.name
        )
    });
    assert!(
        !entry.hint.trim().is_empty(),
        "{} has an empty hint in exercises/info.toml",
        exercise.name
    );
    assert!(
        !exercise.task.trim().is_empty() && entry.task == exercise.task,
        "the task of {} in exercises/info.toml ({:?}) and in its src/lib.rs ({:?}) differ",
        exercise.name,
        entry.task,
        exercise.task
    );
    assert!(
        exercise
            .name
            .starts_with(&format!("ch{:02}-", entry.chapter)),
        "{} is listed under chapter {} in exercises/info.toml",
        exercise.name,
        entry.chapter
    );

    let current = fingerprint(exercise.starter_source);
    if current != exercise.starter_fingerprint.trim() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the starter of {} changed; if that is intended, write {current} into its starter.fingerprint",
            exercise.name
        );
        // Straight to the process's stderr, not through `eprintln!`: the test harness
        // captures what the print macros write in a passing test, and this note is for
        // the learner running plain `cargo test`.
        let _ = writeln!(
            std::io::stderr(),
            "note: the starter of {} has been edited, so `cargo test` no longer checks that it \
             fails; `cargo run -p {}` judges your attempt.",
            exercise.name,
            exercise.name
        );
        return;
    }
    assert!(
        exercise.starter_source.contains("// TODO"),
        "the starter of {} marks no place to edit with `// TODO`",
        exercise.name
    );
    let starter = exercise.run(&exercise.starter);
    assert!(
        !starter.passed(),
        "the untouched starter of {} passes every check: the checks cannot tell it from a solution",
        exercise.name
    );

    let output = Command::new(learner_binary)
        .output()
        .unwrap_or_else(|e| panic!("could not run {learner_binary}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let first_hint_line = exercise.hint().trim().lines().next().unwrap_or_default();
    assert_eq!(
        output.status.code(),
        Some(1),
        "`cargo run -p {}` should exit 1 on the untouched starter; it printed:\n{stdout}",
        exercise.name
    );
    assert!(
        stdout.contains(&format!("Exercise {} is not done yet", exercise.name))
            && stdout.contains(first_hint_line),
        "`cargo run -p {}` should name the exercise and print its hint; it printed:\n{stdout}",
        exercise.name
    );
}

/// Proves that the checks catch a mistake the exercise's chapter warns about:
/// `mistaken` is the reference solution with that one bug (wrong on purpose, kept in the
/// exercise's `tests/`). Panics, naming `mistake`, if every check passes it; returns the
/// names of the checks that failed it, so a test can say which check does the catching.
pub fn verify_catches<I: Clone + Send + 'static>(
    exercise: &Exercise<I>,
    mistake: &str,
    mistaken: I,
) -> Vec<&'static str> {
    let report = exercise.run(&mistaken);
    let caught: Vec<&'static str> = report.failures().map(|(name, _)| name).collect();
    assert!(
        !caught.is_empty(),
        "the checks of {} pass an implementation with a mistake they must catch: {mistake}",
        exercise.name
    );
    caught
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    struct Adder {
        add: fn(u32, u32) -> u32,
    }

    fn exercise() -> Exercise<Adder> {
        Exercise {
            name: "demo",
            task: "add two numbers",
            starter_source: "// TODO",
            starter_fingerprint: "",
            starter: Adder { add: |_, _| 0 },
            solution: Adder { add: |a, b| a + b },
            checks: vec![
                Check {
                    name: "adds",
                    run: |i: &Adder| {
                        if (i.add)(2, 3) == 5 {
                            Ok(())
                        } else {
                            Err("2 + 3 is not 5".into())
                        }
                    },
                },
                Check {
                    name: "blocks forever on the starter",
                    run: |i: &Adder| {
                        if (i.add)(1, 1) == 0 {
                            thread::sleep(Duration::from_secs(60));
                        }
                        Ok(())
                    },
                },
                Check {
                    name: "loops forever on the starter",
                    run: |i: &Adder| {
                        // Busy, not blocked: the other way a check never finishes.
                        let mut n = 0u64;
                        while (i.add)(1, 1) == 0 {
                            n = n.wrapping_add(1);
                            std::hint::black_box(n);
                        }
                        Ok(())
                    },
                },
                Check {
                    name: "panics on the starter",
                    run: |i: &Adder| {
                        assert_eq!((i.add)(0, 1), 1, "0 + 1");
                        Ok(())
                    },
                },
            ],
            check_timeout: Duration::from_millis(300),
        }
    }

    #[test]
    fn a_solution_passes_and_a_starter_fails_every_way() {
        let exercise = exercise();
        assert!(exercise.run(&exercise.solution).passed());
        let report = exercise.run(&exercise.starter);
        let failures: Vec<_> = report.failures().map(|(name, _)| name).collect();
        assert_eq!(
            failures,
            vec![
                "adds",
                "blocks forever on the starter",
                "loops forever on the starter",
                "panics on the starter"
            ]
        );
        let why: Vec<_> = report.failures().map(|(_, why)| why.clone()).collect();
        assert!(
            why[1].contains("did not finish")
                && why[1].contains("waits for ever")
                && why[1].contains("loop never ends"),
            "{why:?}"
        );
        assert_eq!(
            why[1], why[2],
            "both ways of never finishing get one message"
        );
        assert!(
            why[3].contains("panicked") && why[3].contains("0 + 1"),
            "{why:?}"
        );
    }

    #[test]
    fn a_mistake_the_checks_catch_is_named_and_one_they_miss_is_refused() {
        let exercise = exercise();
        let caught = verify_catches(
            &exercise,
            "adds one too many",
            Adder {
                add: |a, b| a + b + 1,
            },
        );
        assert_eq!(caught, vec!["adds", "panics on the starter"]);
        let missed = std::panic::catch_unwind(|| {
            verify_catches(
                &exercise,
                "adds in another order",
                Adder { add: |a, b| b + a },
            )
        });
        let message = panic_message(&missed.expect_err("a mistake the checks miss"));
        assert!(message.contains("adds in another order"), "{message}");
    }

    #[test]
    fn fingerprint_ignores_trailing_whitespace_only() {
        assert_eq!(fingerprint("a  \nb"), fingerprint("a\nb\n"));
        assert_ne!(fingerprint("a\nb"), fingerprint("a\nc"));
    }
}
