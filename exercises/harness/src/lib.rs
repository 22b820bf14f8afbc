//! The exercise machinery, in the spirit of rustlings.
//!
//! Every exercise is a small package under `exercises/` with:
//!
//! - `src/starter.rs`: the file the learner edits; every place to edit says `// TODO`;
//! - `solution/solution.rs`: the reference solution, with the same public items;
//! - `hint.md`: a hint, printed when the learner's attempt fails;
//! - `starter.fingerprint`: a fingerprint of the untouched starter (see [`fingerprint`]);
//! - `src/lib.rs`: the checks, written once and run against both versions, so starter
//!   and solution are judged by the very same tests;
//! - `src/main.rs`: `cargo run -p <exercise>` runs the checks against the starter;
//! - `tests/exercise.rs`: plain `cargo test` calls [`verify`], which runs the checks
//!   against the solution (they must pass) and the untouched starter (it must fail).

#![forbid(unsafe_code)]

use std::any::Any;
use std::process::Command;
use std::sync::mpsc;
use std::thread;
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
    /// One line: what to build.
    pub task: &'static str,
    /// The text of `hint.md`.
    pub hint: &'static str,
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

/// What running every check gave: a name and, for a failure, why.
#[derive(Debug)]
pub struct Report {
    pub results: Vec<(&'static str, Result<(), String>)>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.results.iter().all(|(_, result)| result.is_ok())
    }

    pub fn failures(&self) -> impl Iterator<Item = (&'static str, &String)> {
        self.results
            .iter()
            .filter_map(|(name, result)| result.as_ref().err().map(|why| (*name, why)))
    }
}

impl<I: Clone + Send + 'static> Exercise<I> {
    /// Runs every check against `implementation`, each on its own thread with a deadline.
    pub fn run(&self, implementation: &I) -> Report {
        let results = self
            .checks
            .iter()
            .map(|check| {
                let outcome =
                    run_with_deadline(check.run, implementation.clone(), self.check_timeout);
                (check.name, outcome)
            })
            .collect();
        Report { results }
    }
}

fn run_with_deadline<I: Send + 'static>(
    check: fn(&I) -> Result<(), String>,
    implementation: I,
    timeout: Duration,
) -> Result<(), String> {
    let (done_tx, done_rx) = mpsc::channel();
    // The thread is detached on purpose: if the code under test blocks forever, the
    // check fails after `timeout` and the blocked thread dies with the process.
    thread::spawn(move || {
        // AssertUnwindSafe: after a panic the implementation is dropped, never reused.
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || check(&implementation)));
        let _ = done_tx.send(outcome);
    });
    match done_rx.recv_timeout(timeout) {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => Err(format!("panicked: {}", panic_message(&panic))),
        Err(_) => Err(timeout_message(timeout)),
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
    println!("Exercise {}: {}", exercise.name, exercise.task);
    println!("Checking your code in src/starter.rs …\n");
    let report = exercise.run(&exercise.starter);
    for (name, result) in &report.results {
        match result {
            Ok(()) => println!("  ✓ {name}"),
            Err(why) => println!("  ✗ {name}\n      {}", why.replace('\n', "\n      ")),
        }
    }
    if report.passed() {
        println!(
            "\nExercise {} is done: all {} checks pass.",
            exercise.name,
            report.results.len()
        );
        0
    } else {
        let failed = report.failures().count();
        println!(
            "\nExercise {} is not done yet: {failed} of {} checks fail.",
            exercise.name,
            report.results.len()
        );
        println!(
            "Hint for {}:\n{}",
            exercise.name,
            indent(exercise.hint.trim())
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
/// 2. the hint is not empty and the starter marks the places to edit with `// TODO`;
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
    assert!(
        !exercise.hint.trim().is_empty(),
        "{} has an empty hint.md",
        exercise.name
    );
    assert!(
        !exercise.task.trim().is_empty(),
        "{} has no task line",
        exercise.name
    );

    let current = fingerprint(exercise.starter_source);
    if current != exercise.starter_fingerprint.trim() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the starter of {} changed; if that is intended, write {current} into its starter.fingerprint",
            exercise.name
        );
        eprintln!(
            "note: the starter of {} has been edited, so `cargo test` no longer checks that it fails; \
             `cargo run -p {}` judges your attempt.",
            exercise.name, exercise.name
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
    let first_hint_line = exercise.hint.trim().lines().next().unwrap_or_default();
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
            hint: "use +",
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
    fn fingerprint_ignores_trailing_whitespace_only() {
        assert_eq!(fingerprint("a  \nb"), fingerprint("a\nb\n"));
        assert_ne!(fingerprint("a\nb"), fingerprint("a\nc"));
    }
}
