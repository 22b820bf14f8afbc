//! The command line: `--help` lists the arguments with their defaults, a bad flag exits 2.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_chapter02");

#[test]
fn help_lists_the_arguments_with_their_defaults() {
    let output = Command::new(BIN)
        .arg("--help")
        .output()
        .expect("run --help");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    for expected in [
        "<TARGET>",
        "[PATH]",
        "[default: /]",
        "--read-timeout",
        "[default: 10]",
    ] {
        assert!(text.contains(expected), "--help lacks {expected}:\n{text}");
    }
}

#[test]
fn a_missing_target_or_an_unknown_flag_exits_2() {
    for args in [
        &[][..],
        &["127.0.0.1:1", "--no-such-flag"],
        &["127.0.0.1:1", "--read-timeout", "soon"],
    ] {
        let output = Command::new(BIN).args(args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(!output.stderr.is_empty(), "{args:?} printed no error");
    }
}
