//! `cargo run -p ch03-uppercase-echo` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch03_uppercase_echo::exercise(),
    ));
}
