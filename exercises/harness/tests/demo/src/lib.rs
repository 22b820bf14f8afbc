//! A tiny exercise laid out like the real ones (`src/lib.rs` holds the checks,
//! `src/starter.rs` the learner's code), so the harness's own test sees panics come
//! from the same places they do in a real exercise.

use std::time::Duration;

use exercise_harness::{Check, Exercise};

#[path = "starter.rs"]
pub mod starter;

/// The functions the checks call.
#[derive(Clone)]
pub struct Implementation {
    /// Runs a job; `false` when it panicked.
    pub run_job: fn(fn()) -> bool,
    /// Runs a job, letting a panic through.
    pub run_job_unguarded: fn(fn()),
    /// The byte at `at`.
    pub byte_at: fn(&[u8], usize) -> u8,
    /// Starts a helper thread and waits for it.
    pub spawn_helper: fn(),
}

fn failing_job() {
    panic!("a job that fails on purpose")
}

pub fn exercise() -> Exercise<Implementation> {
    let starter = Implementation {
        run_job: starter::run_job,
        run_job_unguarded: starter::run_job_unguarded,
        byte_at: starter::byte_at,
        spawn_helper: starter::spawn_helper,
    };
    Exercise {
        name: "demo",
        task: "show every kind of panic",
        starter_source: "// TODO",
        starter_fingerprint: "",
        starter: starter.clone(),
        solution: starter,
        checks: vec![
            Check {
                name: "a failing job is caught",
                run: |i| {
                    if (i.run_job)(failing_job) {
                        Err("the job's panic went unnoticed".into())
                    } else {
                        Ok(())
                    }
                },
            },
            Check {
                name: "a failing job is let through",
                run: |i| {
                    (i.run_job_unguarded)(failing_job);
                    Ok(())
                },
            },
            Check {
                name: "the byte past the end",
                run: |i| match (i.byte_at)(b"ab", 2) {
                    0 => Ok(()),
                    other => Err(format!("got {other}")),
                },
            },
            Check {
                name: "a helper thread",
                run: |i| {
                    (i.spawn_helper)();
                    Ok(())
                },
            },
        ],
        check_timeout: Duration::from_secs(5),
    }
}
