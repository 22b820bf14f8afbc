//! `cargo run -p ch04-status-page` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(&ch04_status_page::exercise()));
}
