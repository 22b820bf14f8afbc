//! Static files: from a URL path to a file under the root, and never outside it.

use std::fs;
use std::path::{Path, PathBuf};

use mime_guess::mime;
use percent_encoding::percent_decode_str;

use crate::request::Request;
use crate::response::{Response, Status};

// ANCHOR: file_error
/// Why a URL path does not lead to a file we may send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// Nothing there (404).
    NotFound,
    /// A path that tries to leave the root, or that we refuse to interpret (403). The
    /// text is for the log and the answer; it never names a file.
    Forbidden(&'static str),
}
// ANCHOR_END: file_error

// ANCHOR: resolve
/// Maps a URL path (still percent-encoded, as it came in the request line) to a file
/// under `root`, refusing anything that would read outside it.
pub fn resolve(root: &Path, url_path: &str) -> Result<PathBuf, FileError> {
    // After decoding, `%2F` is indistinguishable from `/`, so refuse it while we still
    // can tell. A backslash (`%5C`) is a separator on Windows: refuse it too.
    let lower = url_path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return Err(FileError::Forbidden("encoded slash"));
    }
    // Decode exactly once: `%252e` becomes the three characters `%2e`, a harmless name,
    // never `.`. Bytes that are not UTF-8 (`%c0%ae`, an "overlong" dot) are refused.
    let decoded = percent_decode_str(url_path)
        .decode_utf8()
        .map_err(|_| FileError::Forbidden("not UTF-8"))?;
    if decoded.contains('\0') {
        return Err(FileError::Forbidden("NUL byte"));
    }
    if decoded.contains('\\') {
        return Err(FileError::Forbidden("backslash"));
    }

    // Build the path one segment at a time, so no segment can be `..` or absolute.
    let mut path = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => continue,
            ".." => return Err(FileError::Forbidden("`..` segment")),
            name => path.push(name),
        }
    }
    // A folder is served through its `index.html`, with or without the trailing
    // slash (see the page for why we do not redirect `/about` to `/about/`).
    if path.is_dir() {
        path.push("index.html");
    }

    // The last line of defence: follow every symlink to the real file, and require it
    // to be under the real root. A link inside the root that points out is refused.
    let real_root = root.canonicalize().map_err(|_| FileError::NotFound)?;
    let real = path.canonicalize().map_err(|_| FileError::NotFound)?;
    if !real.starts_with(&real_root) {
        return Err(FileError::Forbidden("outside the root"));
    }
    if !real.is_file() {
        return Err(FileError::NotFound);
    }
    Ok(real)
}
// ANCHOR_END: resolve

// ANCHOR: serve_file
/// The answer to GET or HEAD for a file path: the file, a redirect, 403 or 404.
pub fn serve_file(root: &Path, request: &Request) -> Response {
    match resolve(root, &request.path) {
        // A file can vanish or be unreadable between `resolve` and here; to the
        // client that is the same as not being there.
        Ok(file) => match fs::read(&file) {
            Ok(bytes) => Response::new(Status::OK).body(&content_type(&file), bytes),
            Err(_) => not_found(root),
        },
        Err(FileError::NotFound) => not_found(root),
        Err(FileError::Forbidden(why)) => {
            Response::text(Status::FORBIDDEN, &format!("403 Forbidden: {why}\n"))
        }
    }
}
// ANCHOR_END: serve_file

// ANCHOR: content_type
/// The `Content-Type` for a file, from its extension. Text gets `charset=utf-8`, or a
/// browser guesses the encoding and may show `Ã©` for `é`.
pub fn content_type(path: &Path) -> String {
    let guess = mime_guess::from_path(path).first_or_octet_stream();
    let is_text = guess.type_() == mime::TEXT
        || guess.subtype() == mime::JAVASCRIPT
        || guess.subtype() == mime::JSON;
    if is_text {
        format!("{guess}; charset=utf-8")
    } else {
        guess.to_string()
    }
}
// ANCHOR_END: content_type

/// The site's own `404.html` when it has one, a line of HTML when not.
fn not_found(root: &Path) -> Response {
    match fs::read(root.join("404.html")) {
        Ok(page) => Response::new(Status::NOT_FOUND).body("text/html; charset=utf-8", page),
        Err(_) => Response::html(Status::NOT_FOUND, "<h1>404: not found</h1>\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_types_get_a_charset_and_others_do_not() {
        let cases = [
            ("index.html", "text/html; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("script.js", "text/javascript; charset=utf-8"),
            ("logo.svg", "image/svg+xml"),
            ("data.json", "application/json; charset=utf-8"),
            ("photo.png", "image/png"),
            ("archive.tar.gz", "application/gzip"),
            ("no-extension", "application/octet-stream"),
        ];
        for (name, expected) in cases {
            assert_eq!(content_type(Path::new(name)), expected, "{name}");
        }
    }

    #[test]
    fn traversal_is_refused_before_touching_the_disk() {
        let root = Path::new("/nonexistent-root");
        for path in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/.%2e/etc/passwd",
            "/..%2fetc/passwd",
            "/..%2Fetc/passwd",
            "/..%5cetc",
            "/..\\etc",
            "/index.html%00.png",
            "/%c0%ae%c0%ae/etc/passwd",
        ] {
            assert!(
                matches!(resolve(root, path), Err(FileError::Forbidden(_))),
                "{path}: {:?}",
                resolve(root, path)
            );
        }
    }
}
