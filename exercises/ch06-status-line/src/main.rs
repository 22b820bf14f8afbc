//! `cargo run -p ch06-status-line` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(&ch06_status_line::exercise()));
}
