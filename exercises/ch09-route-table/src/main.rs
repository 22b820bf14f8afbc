//! `cargo run -p ch09-route-table` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(&ch09_route_table::exercise()));
}
