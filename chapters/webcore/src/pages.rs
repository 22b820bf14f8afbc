//! Pages computed per request. Everything the client sent is HTML-escaped (`&`, `<`,
//! `>`) before it goes into a page, always as element text, never inside an attribute:
//! otherwise a `<script>` in a header would run in the reader's browser.

use std::time::SystemTime;

use html_escape::encode_text;

use crate::request::Request;
use crate::response::{Response, Status};

/// Wraps `body` (already HTML) in the site's layout.
fn page(title: &str, body: &str) -> Response {
    Response::html(
        Status::OK,
        &format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>{title} &middot; The Homebrew Server</title>\n\
             <link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body>\n<main class=\"wrap\">\n\
             <h1>{title}</h1>\n{body}<p><a href=\"/\">&larr; Back to the home page</a></p>\n\
             </main>\n</body>\n</html>\n"
        ),
    )
}

/// An HTML table of name/value pairs, both escaped.
fn table(rows: &[(String, String)]) -> String {
    let mut html = String::from("<table>\n");
    for (name, value) in rows {
        html.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            encode_text(name),
            encode_text(value)
        ));
    }
    html.push_str("</table>\n");
    html
}

/// `GET /now`: the server's clock, so a reload visibly changes the page.
pub fn now() -> Response {
    let now = httpdate::fmt_http_date(SystemTime::now());
    page(
        "Now",
        &format!("<p>The server's clock says <strong>{now}</strong>.</p>\n"),
    )
}

/// `GET /headers`: the request's headers, as the server received them.
pub fn headers(request: &Request) -> Response {
    page(
        "Your request's headers",
        &format!(
            "<p><code>{}</code></p>\n{}",
            encode_text(&format!(
                "{} {} {}",
                request.method, request.target, request.version
            )),
            table(&request.headers)
        ),
    )
}

// ANCHOR: parameters
/// `GET /parameters?a=1` or `POST /parameters` with a form body: the decoded pairs.
pub fn parameters(request: &Request) -> Response {
    let encoded: &[u8] = if request.method == "POST" {
        let content_type = request.header("Content-Type").unwrap_or_default();
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return Response::text(
                Status::UNSUPPORTED_MEDIA_TYPE,
                "POST /parameters takes an application/x-www-form-urlencoded body\n",
            );
        }
        &request.body
    } else {
        request.query.as_deref().unwrap_or_default().as_bytes()
    };
    // `form_urlencoded` turns `+` into a space and decodes `%xx`, as browsers encode.
    let pairs: Vec<(String, String)> = form_urlencoded::parse(encoded).into_owned().collect();
    let summary = format!("<p>{} parameter(s) received.</p>\n", pairs.len());
    page("Parameters", &(summary + &table(&pairs)))
}
// ANCHOR_END: parameters

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Version;

    fn request(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Request {
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string())),
            None => (target.to_string(), None),
        };
        Request {
            method: method.into(),
            target: target.into(),
            path,
            query,
            version: Version::Http11,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.to_vec(),
        }
    }

    fn text(response: &Response) -> String {
        String::from_utf8(response.body.clone()).unwrap()
    }

    #[test]
    fn headers_are_escaped() {
        let page = text(&headers(&request(
            "GET",
            "/headers",
            &[("X-Evil", "<script>alert('x')</script>")],
            b"",
        )));
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;"), "{page}");
    }

    #[test]
    fn query_parameters_are_decoded_then_escaped() {
        let page = text(&parameters(&request(
            "GET",
            "/parameters?name=a+b%26c&x=%3Cb%3E",
            &[],
            b"",
        )));
        assert!(page.contains("<td>a b&amp;c</td>"), "{page}");
        assert!(page.contains("<td>&lt;b&gt;</td>"), "{page}");
        assert!(!page.contains("<b>"), "{page}");
    }

    #[test]
    fn form_bodies_are_read_and_other_bodies_refused() {
        let form = request(
            "POST",
            "/parameters",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            b"who=world&n=42",
        );
        let page = text(&parameters(&form));
        assert!(page.contains("<th>who</th><td>world</td>"), "{page}");
        let json = request(
            "POST",
            "/parameters",
            &[("Content-Type", "application/json")],
            b"{}",
        );
        assert_eq!(parameters(&json).status, Status::UNSUPPORTED_MEDIA_TYPE);
    }

    #[test]
    fn now_shows_a_date() {
        let page = text(&now());
        assert!(page.contains(" GMT"), "{page}");
    }
}
