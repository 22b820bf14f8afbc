//! Chapter 08 over real TCP: `/now`, `/headers` and `/parameters` are built per request,
//! each method they do not take gets 405 with the right `Allow`, and whatever the
//! client sends comes back escaped. Chapter 07 answered these paths with 404.

use testkit::Server;
use testkit::http::{self, Response};

fn server() -> Server {
    Server::start(env!("CARGO_BIN_EXE_chapter08"), &[])
}

fn send(server: &Server, raw: &str) -> Response {
    http::send(server.addr(), raw.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{}", server.output()))
}

fn post_form(server: &Server, path: &str, body: &str) -> Response {
    send(
        server,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\n\
             Content-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

#[test]
fn now_shows_the_servers_clock() {
    let server = server();
    let response = http::get(server.addr(), "/now").unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    response.check_framing(false).unwrap();
    assert_eq!(
        response.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    // The page shows the server's clock: the seconds since 1970 it prints are now.
    let text = response.text();
    let shown: u64 = text
        .split("That is ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("no seconds on the page: {text}"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        now.abs_diff(shown) < 60,
        "the page says {shown}, the clock {now}"
    );
}

#[test]
fn headers_lists_what_the_client_sent() {
    let server = server();
    let response = send(
        &server,
        "GET /headers HTTP/1.1\r\nHost: localhost\r\nX-Workbook: chapter eight\r\n\r\n",
    );
    assert_eq!(response.status, 200, "{response:?}");
    response.check_framing(false).unwrap();
    let text = response.text();
    assert!(
        text.contains("X-Workbook") && text.contains("chapter eight"),
        "{text}"
    );
}

#[test]
fn parameters_decodes_the_query_string() {
    let server = server();
    let response = http::get(
        server.addr(),
        "/parameters?name=reader&msg=two+words%21&e=caf%C3%A9",
    )
    .unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    let text = response.text();
    for shown in ["reader", "two words!", "café"] {
        assert!(text.contains(shown), "{shown:?} missing from {text}");
    }
}

#[test]
fn parameters_decodes_a_posted_form_like_form_html_sends() {
    let server = server();
    let response = post_form(
        &server,
        "/parameters",
        "name=reader&message=Hello%2C+server%21+%26+%3D+survive&chapter=8",
    );
    assert_eq!(response.status, 200, "{response:?}");
    response.check_framing(false).unwrap();
    let text = response.text();
    assert!(text.contains("Hello, server! &amp; = survive"), "{text}");
    assert!(text.contains("<td>8</td>"), "{text}");
}

#[test]
fn a_post_body_that_is_not_a_form_gets_415() {
    let server = server();
    let body = "{\"name\": \"reader\"}";
    let response = send(
        &server,
        &format!(
            "POST /parameters HTTP/1.1\r\nHost: localhost\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    assert_eq!(response.status, 415, "{response:?}");
    response.check_framing(false).unwrap();
}

#[test]
fn the_site_form_posts_to_parameters() {
    // The form the browser shows must go where this chapter answers.
    let form = std::fs::read_to_string(testkit::workspace_root().join("static/form.html")).unwrap();
    assert!(
        form.contains("action=\"/parameters\""),
        "form.html no longer posts to /parameters"
    );
}

#[test]
fn script_tags_come_back_as_text_from_a_header_a_query_and_a_form() {
    let server = server();
    let attack = "<script>alert(1)</script>";
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";

    let from_header = send(
        &server,
        &format!("GET /headers HTTP/1.1\r\nHost: localhost\r\nX-Evil: {attack}\r\n\r\n"),
    );
    let from_query = http::get(
        server.addr(),
        "/parameters?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&%3Cscript%3E=name",
    )
    .unwrap();
    let from_form = post_form(
        &server,
        "/parameters",
        "message=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    );
    for (source, response) in [
        ("header", from_header),
        ("query", from_query),
        ("form", from_form),
    ] {
        assert_eq!(response.status, 200, "{source}: {response:?}");
        let text = response.text();
        assert!(
            !text.contains("<script"),
            "{source}: unescaped script in {text}"
        );
        assert!(
            text.contains(escaped),
            "{source}: escaped text missing in {text}"
        );
    }
}

#[test]
fn each_page_refuses_other_methods_with_its_own_allow() {
    let server = server();
    for (method, path, allow) in [
        ("POST", "/now", "GET, HEAD"),
        ("DELETE", "/headers", "GET, HEAD"),
        ("PUT", "/parameters", "GET, HEAD, POST"),
        ("POST", "/index.html", "GET, HEAD"),
    ] {
        let response = send(
            &server,
            &format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"),
        );
        assert_eq!(response.status, 405, "{method} {path}: {response:?}");
        assert_eq!(response.header("Allow"), Some(allow), "{method} {path}");
    }
}

#[test]
fn head_on_a_page_has_headers_only_and_files_still_work() {
    let server = server();
    let head = send(&server, "HEAD /headers HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(head.status, 200, "{head:?}");
    head.check_framing(true).unwrap();
    assert!(head.body.is_empty());

    let file = http::get(server.addr(), "/form.html").unwrap();
    assert_eq!(file.status, 200, "{file:?}");
    assert_eq!(
        file.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
}
