//! `cargo run -p ch05-content-length-body` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch05_content_length_body::exercise(),
    ));
}
