//! The command line: `--help` lists the flags with their defaults, a bad flag exits 2,
//! and an address that cannot be bound exits 1 with a one-line message.

use std::net::TcpListener;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_chapter06");

#[test]
fn help_lists_every_flag_with_its_default() {
    let output = Command::new(BIN)
        .arg("--help")
        .output()
        .expect("run --help");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    for expected in ["--addr", "127.0.0.1:8080"] {
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

#[test]
fn a_port_in_use_exits_1() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind a port to occupy");
    let addr = taken.local_addr().expect("the bound address").to_string();
    let output = Command::new(BIN)
        .args(["--addr", &addr])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot listen on"), "{stderr}");
}
