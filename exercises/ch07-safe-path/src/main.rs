//! `cargo run -p ch07-safe-path` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(&ch07_safe_path::exercise()));
}
