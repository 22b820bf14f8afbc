//! What to answer: the application part of the server. It sees a parsed [`Request`]
//! and returns a [`Response`]; it never touches the socket.

use crate::request::Request;
use crate::response::{Response, Status};

/// The methods this server implements. HEAD is GET without the body, which
/// `Response::to_bytes` takes care of, so every route that allows GET allows HEAD.
const ALLOWED: &str = "GET, HEAD";

// ANCHOR: respond
/// The answer to a well-formed request.
pub fn respond(request: &Request) -> Response {
    if request.method != "GET" && request.method != "HEAD" {
        // 405 must say what *is* allowed, so the client can correct itself.
        return Response::text(
            Status::METHOD_NOT_ALLOWED,
            &format!("{} is not allowed here; use {ALLOWED}\n", request.method),
        )
        .header("Allow", ALLOWED);
    }
    match request.path.as_str() {
        "/" => Response::html(Status::OK, HOME_PAGE),
        _ => Response::html(Status::NOT_FOUND, NOT_FOUND_PAGE),
    }
}
// ANCHOR_END: respond

const HOME_PAGE: &str = "<!doctype html>
<html lang=\"en\">
<head><meta charset=\"utf-8\"><title>Chapter 06</title></head>
<body>
<h1>Hello from chapter 06</h1>
<p>This page came with a status line, a <code>Content-Type</code>, a
<code>Content-Length</code>, a <code>Date</code> and a <code>Server</code> header.
Open your browser's developer tools to see them.</p>
</body>
</html>
";

const NOT_FOUND_PAGE: &str = "<!doctype html>
<html lang=\"en\">
<head><meta charset=\"utf-8\"><title>Not found</title></head>
<body>
<h1>404: nothing here</h1>
<p>Chapter 06 serves only <a href=\"/\">the home page</a>. Files come in chapter 07.</p>
</body>
</html>
";
