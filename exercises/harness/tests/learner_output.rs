//! What `cargo run -p <exercise>` prints when panics happen: each one under the check
//! it belongs to, said to be the check's own (on purpose) or the learner's, and none
//! printed by Rust above the list.
//!
//! One test in its own binary: the harness swaps the process's panic hook while the
//! checks run, which must not meet another test's panics.

#[path = "demo/src/lib.rs"]
mod demo;

#[test]
fn every_panic_is_shown_under_its_check_and_said_to_be_on_purpose_or_yours() {
    let mut out = Vec::new();
    let code = exercise_harness::report_to(&demo::exercise(), &mut out);
    let out = String::from_utf8(out).expect("UTF-8 output");
    assert_eq!(code, 1, "{out}");

    let lines: Vec<&str> = out.lines().collect();
    let after = |check: &str| -> Vec<&str> {
        let at = lines
            .iter()
            .position(|line| line.ends_with(check))
            .unwrap_or_else(|| panic!("no line for {check:?} in:\n{out}"));
        lines[at..].iter().take(3).copied().collect()
    };

    // Caught by the learner's code: the check passes, and the panic is labelled.
    let caught = after("a failing job is caught");
    assert!(caught[0].contains('✓'), "{out}");
    assert!(
        caught[1].contains("a panic the check causes on purpose")
            && caught[1].contains("a job that fails on purpose")
            && caught[1].contains("not a fault in your code"),
        "{out}"
    );

    // Let through: the check fails, and says the panic was the check's, not a bug.
    let through = after("a failing job is let through");
    assert!(through[0].contains('✗'), "{out}");
    assert!(
        through[1].contains("causes a panic on purpose") && through[1].contains("let it through"),
        "{out}"
    );

    // The learner's own panic on the check's thread: where, and what.
    let index = after("the byte past the end");
    assert!(index[0].contains('✗'), "{out}");
    assert!(
        index[1].contains("your code panicked at")
            && index[1].contains("demo/src/starter.rs:")
            && index[1].contains("index out of bounds"),
        "{out}"
    );

    // The learner's panic on another thread: the check passes, and the panic is named.
    let helper = after("a helper thread");
    assert!(helper[0].contains('✓'), "{out}");
    assert!(
        helper[1].contains("your code panicked at")
            && helper[1].contains("demo/src/starter.rs:")
            && helper[1].contains("the helper found nothing")
            && helper[1].contains("on another thread"),
        "{out}"
    );
}
