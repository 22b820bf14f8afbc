//! `cargo run -p ch16-connection-cap` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch16_connection_cap::exercise(),
    ));
}
