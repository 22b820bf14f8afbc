//! The command lines: `--help` lists the flags with their defaults, a bad flag exits 2.

use std::process::Command;

const SERVER: &str = env!("CARGO_BIN_EXE_chapter03");
const CLIENT: &str = env!("CARGO_BIN_EXE_echo-client");

#[test]
fn help_lists_every_flag_with_its_default() {
    for (bin, flags) in [
        (SERVER, &["--addr", "127.0.0.1:8080"][..]),
        (
            CLIENT,
            &[
                "--addr",
                "--bytes",
                "307200",
                "--message",
                "--delay-ms",
                "--write-then-read",
            ],
        ),
    ] {
        let output = Command::new(bin)
            .arg("--help")
            .output()
            .expect("run --help");
        let text = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{text}");
        for flag in flags {
            assert!(text.contains(flag), "{bin} --help lacks {flag}:\n{text}");
        }
    }
}

#[test]
fn an_unknown_flag_or_conflicting_flags_exit_2() {
    for (bin, args) in [
        (SERVER, &["--no-such-flag"][..]),
        (SERVER, &["--addr", "nowhere"]),
        (CLIENT, &["--message", "hi", "--bytes", "10"]),
        (CLIENT, &["--bytes", "many"]),
    ] {
        let output = Command::new(bin).args(args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
    }
}

/// A start-up failure is one line on stderr, `error: …` as in every chapter, and exit
/// status 1. An address in use is the one every reader meets.
#[test]
fn a_busy_address_is_one_error_line_and_exit_1() {
    testkit::assert_busy_address_is_one_error_line(SERVER);
}
