//! Ten thousand connections need ten thousand file descriptors: the server raises its
//! own limit as far as it may, and says clearly when that is not far enough.

use std::time::Duration;

use testkit::Server;

const BIN: &str = env!("CARGO_BIN_EXE_chapter16");

/// Starts the server from a shell that first lowers the open-files limit with `ulimit`.
fn start_under(ulimit: &str) -> Server {
    let script = format!("ulimit {ulimit} && exec {BIN} \"$@\" --max-connections 10000");
    Server::start("sh", &["-c", &script, "sh", "--addr", "127.0.0.1:0"])
}

/// The soft "Max open files" of a running process, from `/proc/PID/limits`.
fn soft_open_files(pid: u32) -> u64 {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("read limits");
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .expect("a Max open files line");
    line.split_whitespace()
        .nth(3)
        .and_then(|soft| soft.parse().ok())
        .expect("Max open files <soft> <hard> files")
}

#[test]
fn a_low_soft_limit_is_raised_to_fit_the_cap() {
    let hard: u64 = String::from_utf8(
        std::process::Command::new("sh")
            .args(["-c", "ulimit -Hn"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .parse()
    .unwrap_or(0);
    if hard < 10_064 {
        eprintln!("skipped: the hard limit here is {hard}, below what the test needs");
        assert!(
            std::env::var_os("CI").is_none() || hard >= 10_064,
            "CI needs ulimit -Hn >= 10064"
        );
        return;
    }
    let server = start_under("-Sn 256");
    assert!(
        soft_open_files(server.pid()) >= 10_064,
        "{}",
        server.output()
    );
    assert!(
        !server.stderr().contains("warning: the open-files limit"),
        "{}",
        server.output()
    );
}

#[test]
fn a_hard_limit_too_low_is_reported_in_one_clear_line() {
    let server = start_under("-n 256");
    let warned = server.wait_for_output(Duration::from_secs(5), |text| {
        text.contains("warning: the open-files limit is 256 (hard limit 256)")
            && text.contains("ulimit -n 10064")
    });
    assert!(warned, "{}", server.output());
    // It still serves what fits.
    testkit::http::get(server.addr(), "/").expect("the server still answers");
}
