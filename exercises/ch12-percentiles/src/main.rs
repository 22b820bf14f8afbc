//! `cargo run -p ch12-percentiles` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(&ch12_percentiles::exercise()));
}
