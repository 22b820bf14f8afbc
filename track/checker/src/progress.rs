//! `build-your-own progress`: every exercise (from `exercises/info.toml`) and every
//! stage, what is done, and the next thing to do, as rustlings' progress list shows.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::judge::{self, label};
use crate::stages::{self, STAGES, Stage};

/// How long one exercise's checks may take before it counts as not done. The untouched
/// starters take at most a few seconds (a check that waits gives up on its own).
const EXERCISE_TIMEOUT: Duration = Duration::from_secs(60);

/// How many exercises are judged at once: most of their checks wait on sockets, and
/// the machine may have two cores.
const AT_ONCE: usize = 4;

/// Where an exercise stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Every check passes against the learner's starter.
    Done,
    NotDone,
    /// Its package did not build (the learner's edit does not compile), or its checks
    /// could not be run: why.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseStatus {
    pub name: String,
    pub chapter: u8,
    pub task: String,
    pub state: State,
}

/// Judges every exercise of `exercises/info.toml` by running its binary (the harness's
/// `learner_main`: exit 0 when every check passes). `binary` finds an exercise's binary
/// by its name.
pub fn check_exercises(binary: impl Fn(&str) -> Option<PathBuf> + Sync) -> Vec<ExerciseStatus> {
    let infos = exercise_harness::info::all();
    let states: Vec<Mutex<Option<State>>> = infos.iter().map(|_| Mutex::new(None)).collect();
    let next = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut next = next.lock().unwrap_or_else(|p| p.into_inner());
                        *next += 1;
                        *next - 1
                    };
                    let Some(info) = infos.get(i) else { return };
                    let state = match binary(&info.name) {
                        Some(path) => run_exercise(&path),
                        None => State::Unknown("it did not build".to_string()),
                    };
                    *states[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(state);
                }
            });
        }
    });
    infos
        .iter()
        .zip(states)
        .map(|(info, state)| ExerciseStatus {
            name: info.name.clone(),
            chapter: info.chapter,
            task: info.task.clone(),
            state: state
                .into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .unwrap_or_else(|| State::Unknown("not run".to_string())),
        })
        .collect()
}

fn run_exercise(path: &std::path::Path) -> State {
    let child = Command::new(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => return State::Unknown(format!("could not run {}: {e}", path.display())),
    };
    let deadline = Instant::now() + EXERCISE_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return State::Done,
            Ok(Some(_)) => return State::NotDone,
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return State::Unknown(format!("its checks ran past {EXERCISE_TIMEOUT:?}"));
            }
        }
    }
}

/// How far the learner's server gets through the stages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageProgress {
    /// The highest stage it passes.
    pub passed: Option<Stage>,
    /// The first stage it fails, with how many of that stage's checks fail, of how many.
    pub failing: Option<(Stage, usize, usize)>,
    /// Why the server could not be judged at all (it does not compile).
    pub not_judged: Option<String>,
}

/// Judges `binary` stage after stage, each with only the checks that stage adds (with
/// that stage's flags), and stops at the first that fails. `--stage NN` runs all of a
/// stage's checks again on one server: the full judgement.
pub fn check_stages(binary: &str) -> StageProgress {
    let mut passed = None;
    for stage in STAGES {
        let after = stages::previous(stage).map_or(0, |s| s.number);
        let judgement = judge::judge(binary, stage, after);
        if !judgement.passed() {
            let failed = judgement.failures().count();
            return StageProgress {
                passed,
                failing: Some((stage, failed, judgement.outcomes.len())),
                not_judged: None,
            };
        }
        passed = Some(stage);
    }
    StageProgress {
        passed,
        failing: None,
        not_judged: None,
    }
}

/// The next thing to do: the earliest, in the book's order, of the first exercise not
/// done and the first stage not passed (at the same chapter, the exercise, which
/// teaches a piece the stage needs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next<'a> {
    Exercise(&'a ExerciseStatus),
    Stage(Stage),
    Nothing,
}

pub fn next_thing<'a>(exercises: &'a [ExerciseStatus], stages: &StageProgress) -> Next<'a> {
    let exercise = exercises
        .iter()
        .filter(|e| e.state != State::Done)
        .min_by_key(|e| e.chapter);
    let stage = match (&stages.failing, stages.passed) {
        (Some((stage, _, _)), _) => Some(*stage),
        (None, Some(passed)) => stages::next(passed),
        (None, None) => Some(STAGES[0]),
    };
    match (exercise, stage) {
        (Some(e), Some(s)) if e.chapter <= s.number => Next::Exercise(e),
        (_, Some(s)) => Next::Stage(s),
        (Some(e), None) => Next::Exercise(e),
        (None, None) => Next::Nothing,
    }
}

/// Prints the progress view.
pub fn render(exercises: &[ExerciseStatus], stages: &StageProgress, out: &mut impl Write) {
    // A failed write to the terminal is not worth a panic.
    let width = exercises.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "Exercises (`cargo run -p NAME` judges one; the list and hints: exercises/info.toml)"
    );
    for e in exercises {
        let (mark, note) = match &e.state {
            State::Done => ("✓", String::new()),
            State::NotDone => ("✗", String::new()),
            State::Unknown(why) => ("?", format!(" ({why})")),
        };
        let _ = writeln!(
            out,
            "  {mark} {:02} {:width$}  {}{note}",
            e.chapter, e.name, e.task
        );
    }
    let _ = writeln!(
        out,
        "\nYour server (track/your-server; `cargo run -p build-your-own -- --stage NN` judges it)"
    );
    if let Some(why) = &stages.not_judged {
        let _ = writeln!(out, "  ? not judged: {why}");
    }
    for stage in STAGES {
        let line = match (&stages.failing, stages.passed) {
            (_, Some(passed)) if stage.number <= passed.number => format!("✓ {}", label(stage)),
            (Some((failing, failed, total)), _) if *failing == stage => {
                format!("✗ {}: {failed} of {total} checks fail", label(stage))
            }
            _ => format!("· {}", label(stage)),
        };
        let _ = writeln!(out, "  {line}");
    }
    let done = exercises.iter().filter(|e| e.state == State::Done).count();
    let passed = stages.passed.map_or(0, |passed| {
        STAGES.iter().filter(|s| s.number <= passed.number).count()
    });
    let _ = writeln!(
        out,
        "\nDone: {done} of {} exercises, {passed} of {} stages.",
        exercises.len(),
        STAGES.len()
    );
    let _ = match next_thing(exercises, stages) {
        Next::Exercise(e) => writeln!(
            out,
            "Next: exercise {} (chapter {:02}): {}.\n  cargo run -p {}",
            e.name, e.chapter, e.task, e.name
        ),
        Next::Stage(stage) => writeln!(
            out,
            "Next: {} of your server: {}.\n  cargo run -p build-your-own -- --stage {:02}",
            label(stage),
            stage.goal,
            stage.number
        ),
        Next::Nothing => writeln!(
            out,
            "Next: nothing: every exercise is done and your server passes every stage."
        ),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(name: &str, chapter: u8, state: State) -> ExerciseStatus {
        ExerciseStatus {
            name: name.to_string(),
            chapter,
            task: "a task".to_string(),
            state,
        }
    }

    fn stage(number: u8) -> Stage {
        stages::stage(number).expect("a stage")
    }

    #[test]
    fn the_next_thing_is_the_earliest_in_the_book() {
        let exercises = vec![
            exercise("ch03-a", 3, State::Done),
            exercise("ch05-b", 5, State::NotDone),
            exercise("ch13-c", 13, State::NotDone),
        ];
        let at = |passed: Option<u8>, failing: Option<u8>| StageProgress {
            passed: passed.map(stage),
            failing: failing.map(|n| (stage(n), 1, 3)),
            not_judged: None,
        };
        // Stage 04 comes before the chapter 05 exercise.
        assert_eq!(
            next_thing(&exercises, &at(None, Some(4))),
            Next::Stage(stage(4))
        );
        // At the same chapter, the exercise first.
        assert_eq!(
            next_thing(&exercises, &at(Some(4), Some(5))),
            Next::Exercise(&exercises[1])
        );
        assert_eq!(
            next_thing(&exercises[2..], &at(Some(8), None)),
            Next::Stage(stage(10))
        );
        assert_eq!(
            next_thing(&exercises[2..], &at(Some(18), None)),
            Next::Exercise(&exercises[2])
        );
        assert_eq!(
            next_thing(&exercises[..1], &at(Some(18), None)),
            Next::Nothing
        );
    }

    #[test]
    fn the_view_marks_what_is_done_and_names_the_next_step() {
        let exercises = vec![
            exercise("ch03-a", 3, State::Done),
            exercise("ch05-b", 5, State::NotDone),
            exercise("ch06-c", 6, State::Unknown("it did not build".into())),
        ];
        let progress = StageProgress {
            passed: Some(stage(4)),
            failing: Some((stage(5), 2, 10)),
            not_judged: None,
        };
        let mut out = Vec::new();
        render(&exercises, &progress, &mut out);
        let text = String::from_utf8(out).expect("UTF-8");
        for expected in [
            "  ✓ 03 ch03-a  a task",
            "  ✗ 05 ch05-b  a task",
            "  ? 06 ch06-c  a task (it did not build)",
            "  ✓ stage 04 (respond)",
            "  ✗ stage 05 (parse): 2 of 10 checks fail",
            "  · stage 18 (keep-alive)",
            "Done: 1 of 3 exercises, 1 of 9 stages.",
            "Next: exercise ch05-b (chapter 05): a task.\n  cargo run -p ch05-b",
        ] {
            assert!(
                text.contains(expected),
                "{expected:?} missing from:\n{text}"
            );
        }
    }
}
