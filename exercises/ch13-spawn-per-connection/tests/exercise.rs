//! Plain `cargo test`: the solution passes, the untouched starter fails.

#[test]
fn solution_passes_and_untouched_starter_fails() {
    exercise_harness::verify(
        &ch13_spawn_per_connection::exercise(),
        env!("CARGO_BIN_EXE_ch13-spawn-per-connection"),
    );
}
