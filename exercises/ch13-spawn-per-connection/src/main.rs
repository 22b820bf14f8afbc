//! `cargo run -p ch13-spawn-per-connection` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch13_spawn_per_connection::exercise(),
    ));
}
