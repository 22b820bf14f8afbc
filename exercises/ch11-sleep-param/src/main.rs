//! `cargo run -p ch11-sleep-param` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(&ch11_sleep_param::exercise()));
}
