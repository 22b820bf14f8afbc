//! What to answer: the application part of the server. It sees a parsed [`Request`]
//! and returns a [`Response`]; it never touches the socket.

use std::path::Path;

use crate::files::serve_file;
use crate::pages;
use crate::request::Request;
use crate::response::{Response, Status};

// ANCHOR: respond
/// The answer to a well-formed request: one of the pages, or a file from under `root`.
pub fn respond(request: &Request, root: &Path) -> Response {
    let path = request.path.as_str();
    // Which methods each path accepts. HEAD is GET without the body, which
    // `Response::to_bytes` takes care of, so every path that allows GET allows HEAD.
    let allowed = match path {
        "/parameters" => "GET, HEAD, POST",
        _ => "GET, HEAD",
    };
    if !allowed.split(", ").any(|method| method == request.method) {
        // 405 must say what *is* allowed, so the client can correct itself.
        return Response::text(
            Status::METHOD_NOT_ALLOWED,
            &format!(
                "{} is not allowed on {path}; use {allowed}\n",
                request.method
            ),
        )
        .header("Allow", allowed);
    }
    match path {
        "/now" => pages::now(),
        "/headers" => pages::headers(request),
        "/parameters" => pages::parameters(request),
        _ => serve_file(root, request),
    }
}
// ANCHOR_END: respond
