//! `cargo run -p ch05-request-line` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch05_request_line::exercise(),
    ));
}
