//! `cargo run -p ch04-content-length` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch04_content_length::exercise(),
    ));
}
