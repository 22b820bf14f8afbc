//! `cargo run -p ch14-worker-loop` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(&ch14_worker_loop::exercise()));
}
