//! What the command line promises before the server listens: `--help` shows the
//! default root as a path a person can read, and a `--root` that names a file is
//! refused with one line and exit status 1 (every chapter from 09 builds its router
//! with `webcore`, so every one of them inherits both).

use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_chapter09");

/// Runs the binary with `args` and waits at most five seconds for it to exit; a server
/// that starts listening instead is killed, and the test fails.
fn run(args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the chapter's binary");
    let deadline = Instant::now() + Duration::from_secs(5);
    while child.try_wait().expect("poll the child").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("collect its output");
            panic!(
                "{args:?} did not exit within 5 s\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("collect its output")
}

#[test]
fn a_root_that_is_a_file_is_refused_with_one_line_and_exit_1() {
    // Any file will do: this package's own manifest.
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let out = run(&["--addr", "127.0.0.1:0", "--root", file]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "no ready line: {:?}", out.stdout);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with("error: --root ") && stderr.contains("is a file, not a folder"),
        "{stderr}"
    );
}

#[test]
fn help_shows_the_default_root_without_dot_dot() {
    let out = run(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{help}");
    let default = help
        .lines()
        .find(|line| line.contains("--root"))
        .unwrap_or_else(|| panic!("no --root in {help}"));
    assert!(default.contains("/static]"), "{default}");
    assert!(!default.contains(".."), "{default}");
}
