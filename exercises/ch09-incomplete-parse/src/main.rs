//! `cargo run -p ch09-incomplete-parse` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch09_incomplete_parse::exercise(),
    ));
}
