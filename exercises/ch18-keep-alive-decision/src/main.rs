//! `cargo run -p ch18-keep-alive-decision` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch18_keep_alive_decision::exercise(),
    ));
}
