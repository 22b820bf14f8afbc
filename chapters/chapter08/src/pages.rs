//! Pages built for each request. Everything the client sent goes through
//! `html_escape::encode_text` before it becomes part of a page: a header, a query
//! parameter or a form field holding `<script>` must show up as text, never run.

use std::time::{SystemTime, UNIX_EPOCH};

use html_escape::encode_text;

use crate::request::Request;
use crate::response::{Response, Status};

// ANCHOR: now
/// `/now`: the server's clock, different on every request.
pub fn now() -> Response {
    let now = SystemTime::now();
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let content = format!(
        "<p>The server's clock says <strong>{}</strong>.</p>\n\
         <p>That is {seconds} seconds since 1 January 1970 (UTC). Reload: it changes.</p>\n",
        httpdate::fmt_http_date(now)
    );
    Response::html(Status::OK, &page("Now", &content))
}
// ANCHOR_END: now

// ANCHOR: headers
/// `/headers`: every header of this request, in the order it arrived.
pub fn headers(request: &Request) -> Response {
    let mut rows = String::new();
    for (name, value) in &request.headers {
        rows.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            encode_text(name),
            encode_text(value)
        ));
    }
    let content = format!(
        "<p>Your client sent {} headers with <code>{} {}</code>:</p>\n\
         <table>\n{rows}</table>\n",
        request.headers.len(),
        encode_text(&request.method),
        encode_text(&request.path),
    );
    Response::html(Status::OK, &page("Your request's headers", &content))
}
// ANCHOR_END: headers

// ANCHOR: parameters
/// `/parameters`: the decoded pairs of a GET's query string or a POST's form body.
pub fn parameters(request: &Request) -> Response {
    let encoded: &[u8] = if request.method == "POST" {
        // Only the form encoding is decoded here. Saying so beats showing garbage.
        if !is_form(request) {
            return Response::text(
                Status::UNSUPPORTED_MEDIA_TYPE,
                "POST /parameters takes an application/x-www-form-urlencoded body\n",
            );
        }
        &request.body
    } else {
        request.query.as_deref().unwrap_or_default().as_bytes()
    };
    // The encoded text as it came, then the decoded pairs: the difference is the lesson.
    let content = format!(
        "<p>Received <code>{}</code>. Decoded:</p>\n{}",
        encode_text(&String::from_utf8_lossy(encoded)),
        table(encoded)
    );
    Response::html(Status::OK, &page("Parameters", &content))
}

/// A table of the `name=value&…` pairs in `encoded`. `form_urlencoded` turns `+` into
/// a space and `%XX` into bytes; what it decodes is the client's text, so it is escaped.
fn table(encoded: &[u8]) -> String {
    let mut rows = String::new();
    for (name, value) in form_urlencoded::parse(encoded) {
        rows.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            encode_text(&name),
            encode_text(&value)
        ));
    }
    if rows.is_empty() {
        "<p>(none)</p>\n".to_string()
    } else {
        format!("<table>\n{rows}</table>\n")
    }
}
// ANCHOR_END: parameters

/// Whether the body is `application/x-www-form-urlencoded` (what an HTML form sends
/// by default), ignoring parameters such as `; charset=UTF-8` and the name's case.
fn is_form(request: &Request) -> bool {
    request.header("Content-Type").is_some_and(|value| {
        let media_type = value.split(';').next().unwrap_or_default().trim();
        media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded")
    })
}

/// Wraps `content` (already safe HTML) in the site's look. `title` is ours, not the
/// client's, so it needs no escaping.
fn page(title: &str, content: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title} &middot; The Homebrew Server</title>\n\
         <link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body>\n\
         <main class=\"wrap\">\n<h1>{title}</h1>\n{content}\
         <p><a href=\"/\">&larr; Home</a> &middot; <a href=\"/form.html\">Forms</a></p>\n\
         </main>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Version;

    fn request(method: &str, query: Option<&str>, headers: &[(&str, &str)], body: &str) -> Request {
        Request {
            method: method.into(),
            target: String::new(),
            path: "/parameters".into(),
            query: query.map(String::from),
            version: Version::Http11,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn query_values_are_decoded_and_escaped() {
        let request = request(
            "GET",
            Some("q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&n=a+b"),
            &[],
            "",
        );
        let html = String::from_utf8(parameters(&request).body).unwrap();
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("<td>a b</td>"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn form_values_are_decoded_and_escaped() {
        let request = request(
            "POST",
            None,
            &[(
                "Content-Type",
                "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
            )],
            "message=%3Cb%3Ehi%3C%2Fb%3E+%26+bye",
        );
        let html = String::from_utf8(parameters(&request).body).unwrap();
        assert!(html.contains("&lt;b&gt;hi&lt;/b&gt; &amp; bye"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn a_body_that_is_not_a_form_gets_415() {
        let json = request("POST", None, &[("Content-Type", "application/json")], "{}");
        assert_eq!(parameters(&json).status, Status::UNSUPPORTED_MEDIA_TYPE);
        let untyped = request("POST", None, &[], "a=1");
        assert_eq!(parameters(&untyped).status, Status::UNSUPPORTED_MEDIA_TYPE);
    }

    #[test]
    fn header_values_are_escaped() {
        let request = request(
            "GET",
            None,
            &[("X-Evil", "<img src=x onerror=alert(1)>")],
            "",
        );
        let html = String::from_utf8(headers(&request).body).unwrap();
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(!html.contains("<img"), "{html}");
    }
}
