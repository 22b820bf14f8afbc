//! The demo's "learner" code, with the bugs the harness must name as the learner's.

/// Runs `job`, catching its panic.
pub fn run_job(job: fn()) -> bool {
    std::panic::catch_unwind(job).is_ok()
}

/// Runs `job` and lets its panic through.
pub fn run_job_unguarded(job: fn()) {
    job();
}

/// Indexes without checking: panics past the end.
pub fn byte_at(bytes: &[u8], at: usize) -> u8 {
    bytes[at]
}

/// A helper thread that fails; the caller carries on.
pub fn spawn_helper() {
    let helper = std::thread::spawn(|| {
        let found = "no digits here".bytes().find(u8::is_ascii_digit);
        found.expect("the helper found nothing")
    });
    let _ = helper.join();
}
