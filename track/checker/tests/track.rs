//! `cargo test` proves the track works: the checker passes the book's own chapter
//! binaries at each stage, and fails, with the right message, the untouched starter and
//! the chapter before each stage. The runs are independent processes, so they run side
//! by side, a few at a time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

const CHECKER: &str = env!("CARGO_BIN_EXE_build-your-own");

/// How many checker runs at once: their checks mostly wait on sockets, but a few are
/// timed, and the machine may have two busy cores.
const AT_ONCE: usize = 6;

/// The chapters the track is judged against, and the starter, built once with cargo
/// (a no-op when `cargo test --workspace` has built them already).
fn binaries() -> &'static HashMap<String, PathBuf> {
    static BUILT: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let mut packages: Vec<String> = [4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18]
            .iter()
            .map(|n| format!("chapter{n:02}"))
            .collect();
        packages.push("your-server".to_string());
        let names: Vec<&str> = packages.iter().map(String::as_str).collect();
        build_your_own::cargo::build(&names).unwrap_or_else(|why| panic!("{why}"))
    })
}

fn binary(name: &str) -> String {
    binaries()
        .get(name)
        .unwrap_or_else(|| panic!("cargo built no binary called {name}"))
        .to_string_lossy()
        .into_owned()
}

/// One run of the checker and what it must say.
struct Run {
    /// What is judged: a binary's path, or `None` for the learner's package, built by
    /// the checker itself as `cargo run -p build-your-own -- --stage NN` does.
    binary: Option<String>,
    stage: u8,
    expect: Expect,
}

enum Expect {
    Pass,
    /// The first failure line, a piece of the lines under it, and the hint's page.
    Fail {
        first: &'static str,
        says: &'static str,
        page: &'static str,
        /// Whether this is the only failure.
        only: bool,
    },
}

fn pass(chapter: &str, stage: u8) -> Run {
    Run {
        binary: Some(binary(chapter)),
        stage,
        expect: Expect::Pass,
    }
}

/// A run that must fail: `first` is the first failure line, `says` a piece of what is
/// under it, `page` the page its hint names.
fn fail(
    binary: Option<String>,
    stage: u8,
    first: &'static str,
    says: &'static str,
    page: &'static str,
) -> Run {
    Run {
        binary,
        stage,
        expect: Expect::Fail {
            first,
            says,
            page,
            only: false,
        },
    }
}

/// Runs the checker; returns what is wrong with its output, if anything.
fn judge(run: &Run) -> Option<String> {
    let mut command = Command::new(CHECKER);
    command.args(["--stage", &format!("{:02}", run.stage)]);
    if let Some(binary) = &run.binary {
        command.args(["--binary", binary]);
    }
    let output = command.output().expect("run the checker");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let what = format!(
        "{} at stage {:02}",
        run.binary.as_deref().unwrap_or("track/your-server"),
        run.stage
    );
    let wrong = |why: String| {
        Some(format!(
            "{what}: {why}\n--- stdout ---\n{stdout}--- stderr ---\n{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    };
    match &run.expect {
        Expect::Pass => {
            if output.status.code() != Some(0) {
                return wrong(format!("should pass, exited {:?}", output.status.code()));
            }
            let passes = format!("passes: every check up to chapter {:02}", run.stage);
            let next = if run.stage == 18 {
                "That is the last stage".to_string()
            } else {
                "Next: stage ".to_string()
            };
            if !stdout.contains(&passes) || !stdout.contains(&next) || stdout.contains("\n✗") {
                return wrong(format!("should say {passes:?} and {next:?}, and no ✗"));
            }
            None
        }
        Expect::Fail {
            first,
            says,
            page,
            only,
        } => {
            if output.status.code() != Some(1) {
                return wrong(format!("should fail, exited {:?}", output.status.code()));
            }
            let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with('✗')).collect();
            if failures.first() != Some(first) {
                return wrong(format!("the first failure should be {first:?}"));
            }
            // The failure's own lines: up to its hint, which must name the page.
            let block: String = stdout
                .split_once(first)
                .map(|(_, rest)| rest)
                .unwrap_or_default()
                .lines()
                .take_while(|line| !line.starts_with('✗'))
                .collect::<Vec<_>>()
                .join("\n");
            let hint = format!("hint: read book/src/{page}");
            if !block.contains(says) || !block.contains(&hint) {
                return wrong(format!(
                    "under {first:?} there should be {says:?} and {hint:?}"
                ));
            }
            if *only && failures.len() != 1 {
                return wrong("it should be the only failure".to_string());
            }
            if !stdout.contains(&format!("stage {:02}", run.stage)) || !stdout.contains("Next: ") {
                return wrong("should say what to do next".to_string());
            }
            None
        }
    }
}

/// Runs every run, `AT_ONCE` at a time, and returns what went wrong.
fn judge_all(runs: &[Run]) -> Vec<String> {
    let next = Mutex::new(0usize);
    let wrong = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut next = next.lock().expect("no thread panics holding it");
                        *next += 1;
                        *next - 1
                    };
                    let Some(run) = runs.get(i) else { return };
                    if let Some(why) = judge(run) {
                        wrong.lock().expect("no thread panics holding it").push(why);
                    }
                }
            });
        }
    });
    wrong.into_inner().expect("no thread panicked")
}

/// A copy of chapter 13 (a thread per connection, no limit at all) that takes
/// `--max-connections N` and ignores it, as a learner's first try might.
fn unlimited_server(dir: &Path) -> String {
    let path = dir.join("unlimited");
    let script = format!(
        "#!/usr/bin/env bash\nargs=()\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = --max-connections ]; then shift 2; continue; fi\n  args+=(\"$1\"); shift\ndone\nexec '{}' \"${{args[@]}}\"\n",
        binary("chapter13")
    );
    std::fs::write(&path, script).expect("write the script");
    make_executable(&path);
    path.to_string_lossy().into_owned()
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .expect("make the script executable");
}

#[test]
fn each_stage_passes_its_chapter_and_fails_the_one_before() {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let mut sequential = fail(
        Some(binary("chapter11")),
        13,
        "✗ stage 13 (concurrency): a slow request does not hold up a fast one",
        "curl -v 'http://127.0.0.1:",
        "ch13-thread-per-connection.md",
    );
    if let Expect::Fail { only, .. } = &mut sequential.expect {
        // Chapter 11 has the slow routes: only the concurrency check can catch it.
        *only = true;
    }
    let runs = vec![
        // The untouched starter, built by the checker itself.
        fail(
            None,
            4,
            "✗ stage 04 (respond): GET / gets a well-formed HTTP/1.1 response",
            "your server is no longer running",
            "ch04-fixed-response.md",
        ),
        pass("chapter04", 4),
        fail(
            Some(binary("chapter04")),
            5,
            "✗ stage 05 (parse): a malformed request line gets 400",
            "| nc 127.0.0.1 ",
            "ch05-parsing.md",
        ),
        pass("chapter05", 5),
        fail(
            Some(binary("chapter05")),
            6,
            "✗ stage 06 (answer properly): responses carry Content-Length, Content-Type, Date, Server and Connection: close",
            "curl -v 'http://127.0.0.1:",
            "ch06-responses.md",
        ),
        pass("chapter06", 6),
        fail(
            Some(binary("chapter06")),
            7,
            "✗ stage 07 (files safely): the server starts with the flags of chapter 07",
            "printed no ready line",
            "ch07-static-files.md",
        ),
        pass("chapter07", 7),
        fail(
            Some(binary("chapter07")),
            8,
            "✗ stage 08 (pages): /now shows the current date",
            "expected status [200], got 404",
            "ch08-dynamic-pages.md",
        ),
        pass("chapter08", 8),
        fail(
            Some(binary("chapter09")),
            10,
            "✗ stage 10 (survive bad input and slow clients): the server starts with the flags of chapter 10",
            "printed no ready line",
            "ch10-serving-forever.md",
        ),
        pass("chapter10", 10),
        fail(
            Some(binary("chapter10")),
            13,
            "✗ stage 13 (concurrency): /sleep?ms=N answers after N ms",
            "curl -v 'http://127.0.0.1:",
            "ch11-blocking.md",
        ),
        sequential,
        // The concurrency stage is the seed course's assignment: every technique the
        // book shows passes it, judged the same way.
        pass("chapter13", 13),
        pass("chapter14", 13),
        pass("chapter15", 13),
        pass("chapter17", 13),
        fail(
            Some(binary("chapter15")),
            16,
            "✗ stage 16 (a limit): with --max-connections 2, a third client is not served while two are",
            "started with `--max-connections 2` it printed no ready line",
            "ch16-timers-limits.md",
        ),
        fail(
            Some(unlimited_server(scratch.path())),
            16,
            "✗ stage 16 (a limit): with --max-connections 2, a third client is not served while two are",
            "three served at once",
            "ch16-timers-limits.md",
        ),
        pass("chapter16", 16),
        pass("chapter17", 16),
        fail(
            Some(binary("chapter17")),
            18,
            "✗ stage 18 (keep-alive): an HTTP/1.1 connection stays open for the next request",
            "a kept-alive answer says Connection: close",
            "ch18-every-core.md",
        ),
        pass("chapter18", 18),
    ];
    let mut runs = runs;
    // The longest first, so that no slow run starts last: the later the stage, the more
    // checks, and chapter 05 waits out a deadline at stage 06.
    runs.sort_by_key(|run| {
        let slow = run.stage == 6 && matches!(run.expect, Expect::Fail { .. });
        std::cmp::Reverse(if slow { 13 } else { run.stage })
    });
    let wrong = judge_all(&runs);
    assert!(
        wrong.is_empty(),
        "{} of {} checker runs went wrong:\n\n{}",
        wrong.len(),
        runs.len(),
        wrong.join("\n\n")
    );
}

#[test]
fn progress_lists_every_exercise_and_stage_and_names_the_next_step() {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let infos = exercise_harness::info::all();
    // Stand-ins for the exercises' binaries: the first three done, the last one missing
    // (as if its starter did not compile), the rest not done.
    for (i, info) in infos.iter().enumerate().take(infos.len() - 1) {
        let path = scratch.path().join(&info.name);
        let code = if i < 3 { 0 } else { 1 };
        std::fs::write(&path, format!("#!/bin/sh\nexit {code}\n")).expect("write a stand-in");
        make_executable(&path);
    }
    let output = Command::new(CHECKER)
        .args(["progress", "--binary", &binary("chapter06")])
        .arg("--exercise-bins")
        .arg(scratch.path())
        .output()
        .expect("run the checker");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let last = infos.last().expect("exercises");
    let mut expected = vec![
        format!("  ✓ 03 {}", infos[0].name),
        format!("  ✗ {:02} {}", infos[3].chapter, infos[3].name),
        format!("  ? {:02} {}", last.chapter, last.name),
        "  ✓ stage 06 (answer properly)".to_string(),
        "  ✗ stage 07 (files safely): ".to_string(),
        "  · stage 18 (keep-alive)".to_string(),
        format!("Done: 3 of {} exercises, 3 of 9 stages.", infos.len()),
        format!(
            "Next: exercise {} (chapter {:02})",
            infos[3].name, infos[3].chapter
        ),
    ];
    expected.extend(infos.iter().map(|info| format!(" {} ", info.name)));
    for line in expected {
        assert!(stdout.contains(&line), "{line:?} missing from:\n{stdout}");
    }
}
