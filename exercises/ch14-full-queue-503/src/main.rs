//! `cargo run -p ch14-full-queue-503` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch14_full_queue_503::exercise(),
    ));
}
