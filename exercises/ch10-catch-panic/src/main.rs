//! `cargo run -p ch10-catch-panic` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(&ch10_catch_panic::exercise()));
}
