//! `cargo run -p ch10-head-deadline` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch10_head_deadline::exercise(),
    ));
}
