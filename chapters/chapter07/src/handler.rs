//! What to answer: the application part of the server. It sees a parsed [`Request`]
//! and returns a [`Response`]; it never touches the socket.

use std::path::Path;

use crate::files::serve_file;
use crate::request::Request;
use crate::response::{Response, Status};

/// The methods this server implements. HEAD is GET without the body, which
/// `Response::to_bytes` takes care of, so every route that allows GET allows HEAD.
const ALLOWED: &str = "GET, HEAD";

// ANCHOR: respond
/// The answer to a well-formed request: a file from under `root`.
pub fn respond(request: &Request, root: &Path) -> Response {
    if request.method != "GET" && request.method != "HEAD" {
        // 405 must say what *is* allowed, so the client can correct itself.
        return Response::text(
            Status::METHOD_NOT_ALLOWED,
            &format!("{} is not allowed here; use {ALLOWED}\n", request.method),
        )
        .header("Allow", ALLOWED);
    }
    serve_file(root, request)
}
// ANCHOR_END: respond
