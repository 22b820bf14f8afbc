//! `cargo run -p ch08-query-parameters` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch08_query_parameters::exercise(),
    ));
}
