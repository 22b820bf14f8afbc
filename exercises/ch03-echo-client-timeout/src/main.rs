//! `cargo run -p ch03-echo-client-timeout` judges your `src/starter.rs`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(exercise_harness::learner_main(
        &ch03_echo_client_timeout::exercise(),
    ));
}
