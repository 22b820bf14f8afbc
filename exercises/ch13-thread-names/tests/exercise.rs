//! Plain `cargo test`: the solution passes, the untouched starter fails.

#[test]
fn solution_passes_and_untouched_starter_fails() {
    exercise_harness::verify(
        &ch13_thread_names::exercise(),
        env!("CARGO_BIN_EXE_ch13-thread-names"),
    );
}
