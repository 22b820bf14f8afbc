//! `cargo run -p ch13-thread-names` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch13_thread_names::exercise(),
    ));
}
