//! `cargo run -p ch18-pipelined-split` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch18_pipelined_split::exercise(),
    ));
}
