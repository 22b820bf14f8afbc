//! Plain `cargo test`: the solution passes, the untouched starter fails.

#[test]
fn solution_passes_and_untouched_starter_fails() {
    exercise_harness::verify(
        &ch05_content_length_body::exercise(),
        env!("CARGO_BIN_EXE_ch05-content-length-body"),
    );
}
