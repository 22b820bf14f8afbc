//! Static files, without ever serving a byte from outside the root.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

use crate::request::Request;
use crate::response::{Response, Status};

/// Why a URL path maps to no file we will serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileError {
    /// The path tries to leave the root or smuggle a separator (403).
    Forbidden,
    /// Nothing there (404).
    NotFound,
}

// ANCHOR: resolve
/// Maps a URL path (`/about/`, `/images/logo.svg`) to a file under `root`.
///
/// Each `/`-separated segment is percent-decoded exactly once, so `%252e%252e` stays
/// the harmless name `%2e%2e`. A decoded segment may not be `..`, nor hold a `/`, a
/// `\` or a NUL (`%2f`, `%5c`, `%00` would smuggle them past the split). Last, the
/// real path (symlinks followed) must still lie under `root`, which must itself be
/// canonical: [`crate::Router::static_files`] canonicalizes it once, at start-up, so
/// no request pays for it. (A root that is not canonical refuses every path: safe.)
pub fn resolve(root: &Path, url_path: &str) -> Result<PathBuf, FileError> {
    let rest = url_path.strip_prefix('/').ok_or(FileError::Forbidden)?;
    let mut path = root.to_path_buf();
    for raw in rest.split('/') {
        let segment = percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| FileError::NotFound)?;
        if segment.contains(['/', '\\', '\0']) || segment == ".." {
            return Err(FileError::Forbidden);
        }
        if segment.is_empty() || segment == "." {
            continue;
        }
        path.push(segment.as_ref());
    }
    let (mut real, mut found) = inside(root, path)?;
    if found.is_dir() {
        (real, found) = inside(root, real.join("index.html"))?;
    }
    if found.is_file() {
        Ok(real)
    } else {
        Err(FileError::NotFound)
    }
}

/// The real form of `path` (which starts with the canonical `root` and holds no `..`)
/// and what is there, if it exists and lies under `root`.
///
/// Only the components below `root` can be symlinks nobody has vetted, so each gets one
/// `lstat`; a plain file or folder needs nothing more. `canonicalize` would also ask
/// the kernel about every folder above the root, one `readlink` each, on every request:
/// seven system calls for `/`, which cost chapter 13 about 35 of its 185 µs of CPU per
/// request (measured 2026-12-01). Only a path that holds a symlink pays for that here,
/// to learn where the link lands.
fn inside(root: &Path, path: PathBuf) -> Result<(PathBuf, fs::Metadata), FileError> {
    let below = path.strip_prefix(root).map_err(|_| FileError::Forbidden)?;
    let mut walked = root.to_path_buf();
    let mut found = None;
    for part in below.components() {
        walked.push(part);
        let here = fs::symlink_metadata(&walked).map_err(|_| FileError::NotFound)?;
        if here.file_type().is_symlink() {
            return through_symlink(root, &path);
        }
        found = Some(here);
    }
    match found {
        Some(found) => Ok((path, found)),
        None => fs::metadata(root)
            .map(|found| (path, found))
            .map_err(|_| FileError::NotFound),
    }
}

/// Where a path holding a symlink really leads, if that is under `root`.
fn through_symlink(root: &Path, path: &Path) -> Result<(PathBuf, fs::Metadata), FileError> {
    let real = path.canonicalize().map_err(|_| FileError::NotFound)?;
    if !real.starts_with(root) {
        // A symlink points outside: refuse, do not even say whether the target exists.
        return Err(FileError::Forbidden);
    }
    let found = fs::metadata(&real).map_err(|_| FileError::NotFound)?;
    Ok((real, found))
}
// ANCHOR_END: resolve

// ANCHOR: serve_file
/// Answers a GET or HEAD for a file under `root`.
pub fn serve_file(root: &Path, request: &Request) -> Response {
    let path = match resolve(root, &request.path) {
        Ok(path) => path,
        Err(FileError::NotFound) => return not_found(root),
        Err(FileError::Forbidden) => return forbidden(),
    };
    match fs::read(&path) {
        Ok(bytes) => Response::new(Status::OK).body(&content_type(&path), bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => not_found(root),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => forbidden(),
        Err(_) => Response::text(Status::INTERNAL_SERVER_ERROR, "could not read the file\n"),
    }
}
// ANCHOR_END: serve_file

/// `Content-Type` from the extension. Text gets `charset=utf-8`, or a browser guesses
/// (and guesses wrong on `é`).
pub fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.essence_str(),
            "application/javascript" | "application/json"
        );
    if textual {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

/// 404 with the site's own `404.html` when it has one.
pub fn not_found(root: &Path) -> Response {
    match fs::read(root.join("404.html")) {
        Ok(page) => Response::new(Status::NOT_FOUND).body("text/html; charset=utf-8", page),
        Err(_) => Response::html(
            Status::NOT_FOUND,
            "<!doctype html>\n<title>Not found</title>\n<h1>404: nothing here</h1>\n",
        ),
    }
}

fn forbidden() -> Response {
    Response::html(
        Status::FORBIDDEN,
        "<!doctype html>\n<title>Forbidden</title>\n<h1>403: not yours to see</h1>\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A root with a page, a folder, a secret next to the root and a symlink out.
    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("about")).unwrap();
        fs::write(root.join("index.html"), "home").unwrap();
        fs::write(root.join("about/index.html"), "about").unwrap();
        fs::write(root.join("a b.txt"), "spaced").unwrap();
        fs::write(root.join("%2e%2e"), "odd name").unwrap();
        fs::write(dir.path().join("secret.txt"), "top secret").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("outside")).unwrap();
        std::os::unix::fs::symlink("about", root.join("also-about")).unwrap();
        std::os::unix::fs::symlink("../index.html", root.join("about/home.html")).unwrap();
        // As Router::static_files does at start-up.
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn serves_files_and_directory_indexes() {
        let (_dir, root) = site();
        let real = root.canonicalize().unwrap();
        assert_eq!(resolve(&root, "/"), Ok(real.join("index.html")));
        assert_eq!(resolve(&root, "/about"), Ok(real.join("about/index.html")));
        assert_eq!(resolve(&root, "/about/"), Ok(real.join("about/index.html")));
        assert_eq!(resolve(&root, "/a%20b.txt"), Ok(real.join("a b.txt")));
        assert_eq!(resolve(&root, "/./index.html"), Ok(real.join("index.html")));
        assert_eq!(resolve(&root, "/missing.html"), Err(FileError::NotFound));
        assert_eq!(resolve(&root, "/index.html/more"), Err(FileError::NotFound));
    }

    #[test]
    fn symlinks_that_stay_inside_lead_to_their_target() {
        let (_dir, root) = site();
        let about = root.join("about/index.html");
        assert_eq!(resolve(&root, "/also-about/"), Ok(about.clone()));
        assert_eq!(resolve(&root, "/also-about/index.html"), Ok(about));
        assert_eq!(
            resolve(&root, "/about/home.html"),
            Ok(root.join("index.html"))
        );
        assert_eq!(
            resolve(&root, "/also-about/missing"),
            Err(FileError::NotFound)
        );
    }

    #[test]
    fn traversal_corpus_never_leaves_the_root() {
        let (_dir, root) = site();
        for attack in [
            "/../secret.txt",
            "/about/../../secret.txt",
            "/..",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/.%2e/secret.txt",
            "/about%2f..%2f..%2fsecret.txt",
            "/about%2F..%2F..%2Fsecret.txt",
            "/..%5csecret.txt",
            "/about\\..\\..\\secret.txt",
            "/index.html%00.png",
            "/link.txt",
            "/outside/secret.txt",
            "/outside",
            "//etc/passwd",
            "/%ff%fe",
            "secret.txt",
        ] {
            let result = resolve(&root, attack);
            assert!(result.is_err(), "{attack} resolved to {result:?}");
        }
        // Decoded once only: `%252e%252e` is the literal name `%2e%2e`, not `..`.
        let real = root.canonicalize().unwrap();
        assert_eq!(resolve(&root, "/%252e%252e"), Ok(real.join("%2e%2e")));
        assert_eq!(
            resolve(&root, "/%252e%252e/secret.txt"),
            Err(FileError::NotFound)
        );
    }

    #[test]
    fn content_types_say_charset_for_text() {
        assert_eq!(
            content_type(Path::new("a.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("a.css")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("a.png")), "image/png");
        assert_eq!(content_type(Path::new("a.svg")), "image/svg+xml");
        assert_eq!(content_type(Path::new("a")), "application/octet-stream");
        assert!(content_type(Path::new("a.js")).ends_with("; charset=utf-8"));
    }

    #[test]
    fn missing_files_get_the_sites_404_page() {
        let (_dir, root) = site();
        fs::write(root.join("404.html"), "custom 404").unwrap();
        let response = not_found(&root);
        assert_eq!(response.status, Status::NOT_FOUND);
        assert_eq!(response.body, b"custom 404");
    }
}
