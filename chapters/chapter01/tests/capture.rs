//! Chapter 01 over real TCP: the binary receives exactly the bytes a client sends,
//! prints them, saves them unchanged, and exits 0.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use testkit::Server;
use testkit::http::{connect, finish_sending};

const BIN: &str = env!("CARGO_BIN_EXE_chapter01");

/// Starts chapter01 saving into `dir/request.txt`, with a short read timeout.
fn start(dir: &Path, timeout_secs: &str) -> (Server, std::path::PathBuf) {
    let saved = dir.join("request.txt");
    let save = saved.to_str().expect("the temp dir path is UTF-8");
    let server = Server::start(BIN, &["--save", save, "--read-timeout", timeout_secs]);
    (server, saved)
}

fn wait_for_exit(server: &mut Server) {
    let status = server
        .wait_exit(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("chapter01 did not exit\n{}", server.output()));
    assert_eq!(status.code(), Some(0), "exit status\n{}", server.output());
}

#[test]
fn a_complete_head_is_printed_saved_unchanged_and_the_program_exits_0() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (mut server, saved) = start(dir.path(), "10");
    let request = b"GET /hello?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test/1.0\r\nAccept: */*\r\n\r\n";
    // Keep the connection open, as a browser does: the blank line alone must end the read.
    let mut stream = connect(server.addr());
    stream.write_all(request).expect("send the request");
    wait_for_exit(&mut server);

    assert_eq!(std::fs::read(&saved).expect("the saved file"), request);
    // The process has exited, but its output may still be on its way through the pipe.
    let raw = std::str::from_utf8(request).expect("ASCII");
    let escaped = "GET /hello?x=1 HTTP/1.1\\r\\n\nHost: 127.0.0.1\\r\\n";
    assert!(
        server.wait_for_output(Duration::from_secs(5), |out| out.contains(raw)
            && out.contains(escaped)
            && out.contains("----- end -----")),
        "the raw bytes and the escaped rendering on stdout\n{}",
        server.output()
    );
    assert!(
        server.wait_for_output(Duration::from_secs(5), |out| out
            .contains("the head ended with a blank line")),
        "{}",
        server.output()
    );
}

#[test]
fn bytes_sent_in_pieces_and_ended_by_a_close_are_all_kept() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (mut server, saved) = start(dir.path(), "10");
    let mut stream = connect(server.addr());
    // Not HTTP at all, no blank line, non-ASCII and control bytes: chapter 01 keeps
    // whatever came. (Valid UTF-8 only because testkit reads the server's stdout as text.)
    let pieces: [&[u8]; 3] = [b"hello ", "w\u{f6}rld\r".as_bytes(), b"\n\x00\x07"];
    for piece in pieces {
        stream.write_all(piece).expect("send a piece");
        stream.flush().expect("flush");
    }
    finish_sending(&stream);
    wait_for_exit(&mut server);

    assert_eq!(
        std::fs::read(&saved).expect("the saved file"),
        pieces.concat()
    );
    assert!(
        server.wait_for_output(Duration::from_secs(5), |out| out
            .contains("the client closed its side")),
        "{}",
        server.output()
    );
    assert!(
        server.wait_for_output(Duration::from_secs(5), |out| out
            .contains("w\\xc3\\xb6rld\\r\\n\n\\x00\\x07")),
        "{}",
        server.output()
    );
}

#[test]
fn a_client_that_never_finishes_is_cut_off_by_the_read_timeout() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (mut server, saved) = start(dir.path(), "1");
    let mut stream = connect(server.addr());
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .expect("send half a head");
    // The connection stays open and the head never ends; the timeout must end the wait.
    wait_for_exit(&mut server);
    assert_eq!(
        std::fs::read(&saved).expect("the saved file"),
        b"GET / HTTP/1.1\r\nHost: x\r\n"
    );
    assert!(
        server.wait_for_output(Duration::from_secs(5), |out| out.contains("timed out")),
        "{}",
        server.output()
    );
    drop(stream);
}
