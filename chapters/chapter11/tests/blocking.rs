//! Chapter 11's point, proved: one slow request holds up every request behind it.
//! (Chapter 13's thread per connection must fail these expectations.)

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

use testkit::Server;
use testkit::http::{Response, connect, get, get_request, read_until_close};

const BIN: &str = env!("CARGO_BIN_EXE_chapter11");

#[test]
fn a_quick_request_waits_behind_a_slow_one() {
    let server = Server::start(BIN, &[]);
    // Connected first, so first in the accept queue: the server takes it first.
    let mut slow = connect(server.addr());
    slow.write_all(get_request("/sleep?ms=1500").as_bytes())
        .unwrap();
    let started = Instant::now();
    let quick = get(server.addr(), "/").unwrap();
    let waited = started.elapsed();
    assert_eq!(quick.status, 200, "{quick:?}");
    assert!(
        waited >= Duration::from_millis(1300),
        "GET / took {waited:?} while /sleep?ms=1500 was in flight: this server is not sequential"
    );
    let slow = Response::parse(&read_until_close(&mut slow).unwrap()).unwrap();
    assert_eq!(slow.text(), "slept 1500 ms\n", "{slow:?}");
}

#[test]
fn ten_at_once_shows_the_queue() {
    let server = Server::start(BIN, &[]);
    let output = Command::new(env!("CARGO_BIN_EXE_ten-at-once"))
        .args([
            "--addr",
            &server.addr().to_string(),
            "--sleep-ms",
            "1000",
            "--count",
            "4",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let arrivals: Vec<(u128, &str)> = stdout
        .lines()
        .filter_map(|line| {
            let (ms, rest) = line.trim_start().split_once(" ms  #")?;
            Some((ms.parse().ok()?, rest))
        })
        .collect();
    assert_eq!(arrivals.len(), 4, "{stdout}");
    for (ms, rest) in &arrivals {
        assert!(rest.ends_with("200 OK"), "{stdout}");
        assert!(*ms >= 900, "every answer waits for the sleep: {stdout}");
    }
    // (Not necessarily printed first: four threads race to report nearly the same moment.)
    assert!(
        arrivals
            .iter()
            .any(|(_, rest)| rest.contains("/sleep?ms=1000")),
        "{stdout}"
    );
}
