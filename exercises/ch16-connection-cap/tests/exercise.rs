//! Plain `cargo test`: the solution passes, the untouched starter fails.

#[test]
fn solution_passes_and_untouched_starter_fails() {
    exercise_harness::verify(
        &ch16_connection_cap::exercise(),
        env!("CARGO_BIN_EXE_ch16-connection-cap"),
    );
}
