//! Chapter 07 over real TCP: files from the root with the right type, folders through
//! their `index.html`, percent-decoded names, the site's own 404 page. Chapter 06 knew
//! one page only, so every test here fails against it.

use std::fs;
use std::path::PathBuf;

use testkit::Server;
use testkit::http::{self, Response};

fn site() -> PathBuf {
    testkit::workspace_root().join("static")
}

fn get(server: &Server, path: &str) -> Response {
    http::get(server.addr(), path).unwrap_or_else(|e| panic!("{e}\n{}", server.output()))
}

#[test]
fn the_default_root_is_the_workspace_site() {
    let server = Server::start(env!("CARGO_BIN_EXE_chapter07"), &[]);
    for (path, file, content_type) in [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/index.html", "index.html", "text/html; charset=utf-8"),
        ("/style.css", "style.css", "text/css; charset=utf-8"),
        ("/images/logo.svg", "images/logo.svg", "image/svg+xml"),
        ("/images/socket.png", "images/socket.png", "image/png"),
        ("/about/", "about/index.html", "text/html; charset=utf-8"),
    ] {
        let response = get(&server, path);
        assert_eq!(response.status, 200, "{path}: {response:?}");
        response.check_framing(false).unwrap();
        assert_eq!(
            response.header("Content-Type"),
            Some(content_type),
            "{path}"
        );
        let expected = fs::read(site().join(file)).unwrap();
        assert!(response.body == expected, "{path}: the body is not {file}");
    }
}

#[test]
fn a_folder_is_served_through_its_index_with_or_without_the_slash() {
    let server = Server::start(env!("CARGO_BIN_EXE_chapter07"), &[]);
    let expected = fs::read(site().join("about/index.html")).unwrap();
    for path in ["/about", "/about/", "/about//", "/./about/."] {
        let response = get(&server, path);
        assert_eq!(response.status, 200, "{path}: {response:?}");
        assert!(response.body == expected, "{path}: not about/index.html");
    }
}

#[test]
fn missing_files_get_the_sites_404_page() {
    let server = Server::start(env!("CARGO_BIN_EXE_chapter07"), &[]);
    let response = get(&server, "/missing.html");
    assert_eq!(response.status, 404, "{response:?}");
    assert_eq!(
        response.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(response.body == fs::read(site().join("404.html")).unwrap());
}

#[test]
fn head_gets_a_files_headers_without_its_bytes() {
    let server = Server::start(env!("CARGO_BIN_EXE_chapter07"), &[]);
    let raw = http::exchange(
        server.addr(),
        b"HEAD /images/socket.png HTTP/1.1\r\nHost: localhost\r\n\r\n",
    )
    .unwrap();
    let response = Response::parse(&raw).unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    response.check_framing(true).unwrap();
    let size = fs::metadata(site().join("images/socket.png"))
        .unwrap()
        .len();
    assert_eq!(
        response.header("Content-Length"),
        Some(size.to_string().as_str())
    );
}

#[test]
fn names_are_percent_decoded_and_unknown_types_are_octet_streams() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("hello world.txt"), "hi there\n").unwrap();
    fs::write(dir.path().join("café.txt"), "crème\n").unwrap();
    fs::write(dir.path().join("blob"), [0u8, 1, 2, 3]).unwrap();
    let root = dir.path().to_str().unwrap();
    let server = Server::start(env!("CARGO_BIN_EXE_chapter07"), &["--root", root]);

    let response = get(&server, "/hello%20world.txt");
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.text(), "hi there\n");
    assert_eq!(
        response.header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );

    let response = get(&server, "/caf%C3%A9.txt");
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.text(), "crème\n");

    let response = get(&server, "/blob");
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(
        response.header("Content-Type"),
        Some("application/octet-stream")
    );
    assert_eq!(response.body, [0u8, 1, 2, 3]);

    // This root has no 404.html: a short text answer instead.
    let response = get(&server, "/nope");
    assert_eq!(response.status, 404, "{response:?}");
    response.check_framing(false).unwrap();
}

#[test]
fn a_missing_root_stops_the_server_with_exit_code_1() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_chapter07"))
        .args(["--addr", "127.0.0.1:0", "--root", "/no/such/folder"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/no/such/folder"));
}
