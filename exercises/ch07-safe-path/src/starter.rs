//! Exercise ch07-safe-path
//!
//! The resolver below is the one every first web server has, and it is a hole: it joins
//! the URL path onto the root, so `/../secret.txt` reads a file outside the root. Make it
//! safe. `resolve(root, url_path)` returns the file to send, or `None` when there is none
//! or the path must be refused:
//!
//! - refuse `%2f` and `%5c` (encoded `/` and `\`) before decoding, then percent-decode
//!   exactly once (`percent_encoding::percent_decode_str`), refusing bytes that are not
//!   UTF-8;
//! - refuse a NUL, a backslash, and any `..` segment; skip empty and `.` segments;
//! - a folder means its `index.html` (`/sub` and `/sub/` alike);
//! - last, `canonicalize` the result and the root (this follows symlinks) and refuse a
//!   result that does not lie under the root (`Path::starts_with`), or is not a file.
//!
//! Judge your attempt with `cargo run -p ch07-safe-path`.

use std::path::{Path, PathBuf};

// ANCHOR: starter
/// The file under `root` that `url_path` names, or `None`.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    // TODO: refuse encoded slashes, then percent-decode `url_path` once.
    // TODO: build the path segment by segment, refusing `..`, NUL and backslashes.
    // TODO: a folder means its index.html.
    // TODO: canonicalize, and refuse anything outside the canonical root or not a file.
    Some(root.join(url_path.trim_start_matches('/')))
}
// ANCHOR_END: starter
