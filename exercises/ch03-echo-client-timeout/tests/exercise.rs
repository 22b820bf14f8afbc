//! Plain `cargo test`: the solution passes, the untouched starter fails.

#[test]
fn solution_passes_and_untouched_starter_fails() {
    exercise_harness::verify(
        &ch03_echo_client_timeout::exercise(),
        env!("CARGO_BIN_EXE_ch03-echo-client-timeout"),
    );
}
