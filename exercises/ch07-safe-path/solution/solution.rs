//! Reference solution for ch07-safe-path.

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

/// The file under `root` that `url_path` names, or `None`.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    // After decoding, `%2f` would be a real `/`: refuse it while we can still tell.
    let lower = url_path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return None;
    }
    let decoded = percent_decode_str(url_path).decode_utf8().ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut path = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => continue,
            ".." => return None,
            name => path.push(name),
        }
    }
    if path.is_dir() {
        path.push("index.html");
    }
    // The guarantee: wherever symlinks lead, the real file must be under the real root.
    let real_root = root.canonicalize().ok()?;
    let real = path.canonicalize().ok()?;
    (real.starts_with(&real_root) && real.is_file()).then_some(real)
}
