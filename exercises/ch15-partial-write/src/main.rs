//! `cargo run -p ch15-partial-write` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch15_partial_write::exercise(),
    ));
}
