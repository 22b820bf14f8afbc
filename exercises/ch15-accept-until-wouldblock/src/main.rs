//! `cargo run -p ch15-accept-until-wouldblock` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch15_accept_until_wouldblock::exercise(),
    ));
}
