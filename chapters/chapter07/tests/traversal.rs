//! No request may read a byte from outside the root. The test builds a root with a
//! secret file next to it and symlinks pointing out, throws a corpus of traversal
//! attempts at it as raw bytes (curl would normalise `..` away), and checks that the
//! secret never appears and that the server answers the next request.

use std::fs;
use std::os::unix::fs::symlink;

use testkit::Server;
use testkit::http;

const SECRET: &str = "SECRET-7f3a-must-never-be-served";

/// `tmp/secret.txt`, `tmp/site2/secret.txt` and the root `tmp/site/` with:
/// `index.html`, `sub/index.html`, `escape.txt -> ../secret.txt`, `outside -> ..`,
/// `sibling -> ../site2` (its path starts with the root's as a string, not as a path),
/// and `inside.html -> index.html` (a link that stays inside, which is fine).
fn build_root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("building the test root in a temporary folder");
    let site = dir.path().join("site");
    fs::create_dir_all(site.join("sub")).expect("building the test root in a temporary folder");
    fs::create_dir_all(dir.path().join("site2"))
        .expect("building the test root in a temporary folder");
    fs::write(dir.path().join("secret.txt"), SECRET)
        .expect("building the test root in a temporary folder");
    fs::write(dir.path().join("site2/secret.txt"), SECRET)
        .expect("building the test root in a temporary folder");
    fs::write(site.join("index.html"), "<h1>inside</h1>\n")
        .expect("building the test root in a temporary folder");
    fs::write(site.join("sub/index.html"), "<h1>sub</h1>\n")
        .expect("building the test root in a temporary folder");
    symlink("../secret.txt", site.join("escape.txt"))
        .expect("building the test root in a temporary folder");
    symlink("..", site.join("outside")).expect("building the test root in a temporary folder");
    symlink("../site2", site.join("sibling"))
        .expect("building the test root in a temporary folder");
    symlink("index.html", site.join("inside.html"))
        .expect("building the test root in a temporary folder");
    dir
}

const ATTACKS: &[&str] = &[
    "/../secret.txt",
    "/../../../../../../../../etc/passwd",
    "/sub/../../secret.txt",
    "//../secret.txt",
    "/./../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/.%2e/secret.txt",
    "/%2e./secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/..%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt",
    "/..%5csecret.txt",
    "/..\\secret.txt",
    "/..%255csecret.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "/%00",
    "/escape.txt%00.html",
    "/escape.txt",
    "/outside/secret.txt",
    "/outside/site2/secret.txt",
    "/outside/",
    "/sibling/secret.txt",
    "/sibling/",
    "../secret.txt",
    "http://localhost/../secret.txt",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
];

#[test]
fn the_traversal_corpus_never_reads_outside_the_root() {
    let dir = build_root();
    let root = dir.path().join("site");
    let server = Server::start(
        env!("CARGO_BIN_EXE_chapter07"),
        &["--root", root.to_str().unwrap()],
    );
    for attack in ATTACKS {
        for method in ["GET", "HEAD"] {
            let raw = format!("{method} {attack} HTTP/1.1\r\nHost: localhost\r\n\r\n");
            let replay = http::replay_command(server.addr(), raw.as_bytes());
            let bytes = http::exchange(server.addr(), raw.as_bytes())
                .unwrap_or_else(|e| panic!("{e}\n{}", server.output()));
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(SECRET) && !text.contains("root:x:"),
                "{attack} leaked a file from outside the root:\n{text}\n  request: {replay}"
            );
            let response = testkit::http::Response::parse(&bytes).unwrap();
            assert!(
                [400, 403, 404].contains(&response.status),
                "{attack}: expected 400, 403 or 404, got {response:?}\n  request: {replay}"
            );
            // And the server is still there for the next client.
            let next = http::get(server.addr(), "/").unwrap();
            assert_eq!(
                next.status,
                200,
                "after {attack}: {next:?}\n{}",
                server.output()
            );
        }
    }
}

#[test]
fn links_and_dots_that_stay_inside_are_served() {
    let dir = build_root();
    let root = dir.path().join("site");
    let server = Server::start(
        env!("CARGO_BIN_EXE_chapter07"),
        &["--root", root.to_str().unwrap()],
    );
    for path in ["/inside.html", "/./index.html", "/sub//index.html", "/sub/"] {
        let response = http::get(server.addr(), path).unwrap();
        assert_eq!(response.status, 200, "{path}: {response:?}");
    }
    let response = http::get(server.addr(), "/%252e%252e").unwrap();
    assert_eq!(
        response.status, 404,
        "decoded once, `%2e%2e` is just a name"
    );
}
