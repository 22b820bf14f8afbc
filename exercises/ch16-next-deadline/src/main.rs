//! `cargo run -p ch16-next-deadline` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch16_next_deadline::exercise(),
    ));
}
