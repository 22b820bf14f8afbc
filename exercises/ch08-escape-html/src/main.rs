//! `cargo run -p ch08-escape-html` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(&ch08_escape_html::exercise()));
}
