//! `cargo run -p ch17-semaphore-cap` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch17_semaphore_cap::exercise(),
    ));
}
