//! Shared test support for the workbook.
//!
//! - [`Server`] starts a chapter binary on port 0 and waits for its ready line.
//! - [`http`] sends exact bytes over real TCP and parses what comes back, with deadlines.
//! - [`wait_until`] polls a condition with a deadline, so no test sleeps to synchronise.

#![forbid(unsafe_code)]

pub mod contract;
pub mod http;
mod server;

pub use server::{READY_TIMEOUT, Server, drain_to_string, ready_address};

use std::time::{Duration, Instant};

/// Polls `condition` every few milliseconds until it holds or `timeout` passes.
/// Returns whether it held.
pub fn wait_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The workspace's root folder, found from this crate's location at compile time.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("support/testkit lives two folders below the workspace root")
}

/// How many connections wait in the accept queues of the listeners on `addr`'s port
/// (Linux only): summed, since a server may listen with one socket per event loop
/// (`SO_REUSEPORT`, chapter 18). `Some(0)` means the server has accepted every
/// connection made so far, which lets a test know a sequential server is busy with a
/// request without sleeping. `None` when no listener is found.
///
/// For a listening socket, the kernel reports the accept queue's length as its receive
/// queue. We ask `ss` first, which filters in the kernel and stays fast on a machine with
/// a hundred thousand sockets, and fall back to scanning `/proc/net/tcp`.
pub fn accept_queue_len(addr: std::net::SocketAddr) -> Option<usize> {
    let filter = format!("sport = :{}", addr.port());
    let from_ss = std::process::Command::new("ss")
        .args(["-H", "-l", "-t", "-n", &filter])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| {
            // `LISTEN  0  128  127.0.0.1:PORT  0.0.0.0:*`: the second field is Recv-Q.
            let queues = String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter_map(|line| line.split_whitespace().nth(1)?.parse().ok())
                .collect();
            sum_of(queues)
        });
    from_ss.or_else(|| accept_queue_len_from_proc(addr))
}

fn accept_queue_len_from_proc(addr: std::net::SocketAddr) -> Option<usize> {
    let table = if addr.is_ipv4() {
        "/proc/net/tcp"
    } else {
        "/proc/net/tcp6"
    };
    let text = std::fs::read_to_string(table).ok()?;
    let port = format!(":{:04X} ", addr.port());
    let queues = text.lines().skip(1).filter_map(|line| {
        // Cheap test first: most lines are connections, not this listener.
        if !line.contains(&port) || !line.contains(" 0A ") {
            return None;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        // fields: sl, local_address, rem_address, st (0A = LISTEN), tx_queue:rx_queue, …
        if fields.len() > 4 && fields[1].ends_with(port.trim_end()) && fields[3] == "0A" {
            let rx = fields[4].split(':').nth(1)?;
            usize::from_str_radix(rx, 16).ok()
        } else {
            None
        }
    });
    sum_of(queues.collect())
}

/// The total of the listeners' queues, or `None` when there is no listener at all.
fn sum_of(queues: Vec<usize>) -> Option<usize> {
    (!queues.is_empty()).then(|| queues.iter().sum())
}

/// Starts `binary` on an address that is already taken and asserts what every chapter
/// promises for a start-up failure: exit status 1 and one line on stderr,
/// `error: cannot listen on ADDR: …`.
pub fn assert_busy_address_is_one_error_line(binary: &str) {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("occupy a port");
    let addr = taken.local_addr().expect("its address").to_string();
    let output = std::process::Command::new(binary)
        .args(["--addr", &addr])
        .output()
        .expect("run the binary");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with(&format!("error: cannot listen on {addr}: ")),
        "{stderr}"
    );
}
