//! `cargo run -p ch17-timeout-head` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch17_timeout_head::exercise(),
    ));
}
