//! Plain `cargo test`: the solution passes, the untouched starter fails.

#[test]
fn solution_passes_and_untouched_starter_fails() {
    exercise_harness::verify(
        &ch14_full_queue_503::exercise(),
        env!("CARGO_BIN_EXE_ch14-full-queue-503"),
    );
}
