//! The command line: `--help` lists the flags with their defaults, a bad flag exits 2.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_chapter01");

#[test]
fn help_lists_every_flag_with_its_default() {
    let output = Command::new(BIN)
        .arg("--help")
        .output()
        .expect("run --help");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    for expected in [
        "--addr",
        "127.0.0.1:8080",
        "--save",
        "request.txt",
        "--read-timeout",
    ] {
        assert!(text.contains(expected), "--help lacks {expected}:\n{text}");
    }
}

#[test]
fn an_unknown_flag_or_a_bad_value_exits_2() {
    for args in [&["--no-such-flag"][..], &["--addr", "not-an-address"]] {
        let output = Command::new(BIN).args(args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(!output.stderr.is_empty(), "{args:?} printed no error");
    }
}

/// A start-up failure is one line on stderr, `error: …` as in every chapter, and exit
/// status 1. An address in use is the one every reader meets.
#[test]
fn a_busy_address_is_one_error_line_and_exit_1() {
    testkit::assert_busy_address_is_one_error_line(BIN);
}

/// The default `--save` writes `request.txt` into the folder `cargo run` ran in, most
/// often the workspace: git must not offer it for a commit.
#[test]
fn the_default_save_file_is_ignored_by_git() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    for path in ["request.txt", "chapters/chapter01/request.txt"] {
        let Ok(status) = Command::new("git")
            .args(["-C", root, "check-ignore", "--quiet", "--no-index", path])
            .status()
        else {
            eprintln!("note: skipped: no git to ask");
            return;
        };
        assert!(
            status.success(),
            "git does not ignore {path}: add it to .gitignore"
        );
    }
}
