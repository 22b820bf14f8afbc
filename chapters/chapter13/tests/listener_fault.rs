//! Seed 000's warning, end to end: a worker's failure must not stop the server, but a
//! fault that concerns the whole server must. Here the whole-server fault is real: the
//! listening socket is shut down from outside the process, as another holder of the
//! same socket (a supervisor that handed it over, a child that inherited it) or an
//! administrator's `ss -K` can do. Every later `accept` fails with `EINVAL`; retrying
//! would only print that line for ever while looking alive. The server exits with
//! status 1 and one `error: …` line instead.
//!
//! To reach into the server's socket the test does what a debugger would, on Linux:
//! `pidfd_getfd(2)` copies the server's descriptor into a helper process (allowed for
//! our own child), which calls `shutdown(2)` on it. The helper is a few lines of
//! python3, because the workbook forbids `unsafe` and the standard library has no safe
//! way to make that system call.

use std::process::Command;
use std::time::Duration;

use testkit::Server;
use testkit::http::get;

// ANCHOR: shut_down_from_outside
/// Copies descriptor `fd` of process `pid` (pidfd_getfd is system call 438 on every
/// Linux architecture) and shuts the socket down, both directions.
const SHUT_DOWN: &str = r#"
import ctypes, os, socket, sys
pid, fd = int(sys.argv[1]), int(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
copy = libc.syscall(438, os.pidfd_open(pid), fd, 0)
if copy < 0:
    sys.exit(f"pidfd_getfd: {os.strerror(ctypes.get_errno())}")
socket.socket(fileno=copy).shutdown(socket.SHUT_RDWR)
"#;
// ANCHOR_END: shut_down_from_outside

// ANCHOR: listener_fault_test
#[test]
fn a_listening_socket_shut_down_from_outside_stops_the_server_with_status_1() {
    let mut server = Server::start(env!("CARGO_BIN_EXE_chapter13"), &[]);
    let answer = get(server.addr(), "/").expect("an answer while all is well");
    assert_eq!(answer.status, 200, "{answer:?}");
    let fd = listening_fd(server.pid(), server.addr().port());
    let helper = Command::new("python3")
        .args(["-c", SHUT_DOWN, &server.pid().to_string(), &fd])
        .output()
        .expect("python3 on PATH (see README)");
    let said = String::from_utf8_lossy(&helper.stderr);
    assert!(helper.status.success(), "the helper failed: {said}");
    let status = server.wait_exit(Duration::from_secs(5));
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(1),
        "{}",
        server.output()
    );
    let log = server.stderr();
    let errors: Vec<_> = log.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "{log}");
    assert!(errors[0].contains("listening socket"), "{log}");
}
// ANCHOR_END: listener_fault_test

/// The descriptor number (as text) under which process `pid` holds the socket
/// listening on `port`: the kernel lists listening sockets with their inode in
/// `/proc/PID/net/tcp` (state `0A`), and each descriptor as `socket:[INODE]` in
/// `/proc/PID/fd`.
fn listening_fd(pid: u32, port: u16) -> String {
    let table = std::fs::read_to_string(format!("/proc/{pid}/net/tcp")).expect("net/tcp");
    let local = format!(":{port:04X}");
    let inode = table
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .find(|fields| fields.len() > 9 && fields[1].ends_with(&local) && fields[3] == "0A")
        .map(|fields| fields[9].to_string())
        .unwrap_or_else(|| panic!("no listening socket on port {port} in:\n{table}"));
    let target = format!("socket:[{inode}]");
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("the server's descriptors")
        .filter_map(Result::ok)
        .find(|entry| {
            std::fs::read_link(entry.path()).is_ok_and(|link| link.as_os_str() == target.as_str())
        })
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .unwrap_or_else(|| panic!("no descriptor of {pid} is {target}"))
}
