//! Exercise ch07-mime-charset
//!
//! Chapter 07 asks `mime_guess` for a file's type. Write the table yourself:
//! `content_type(file_name)` gives the `Content-Type` header value for a file name.
//!
//! - html/htm → `text/html`, css → `text/css`, txt → `text/plain`, js/mjs →
//!   `text/javascript`, json → `application/json`, png → `image/png`, jpg/jpeg →
//!   `image/jpeg`, gif → `image/gif`, svg → `image/svg+xml`, ico → `image/x-icon`,
//!   wasm → `application/wasm`, pdf → `application/pdf`, gz → `application/gzip`;
//! - the text ones (`text/…` and JSON) get `; charset=utf-8`, the others nothing;
//! - only the last extension counts, in any case (`Photo.JPG`); a name without one
//!   (`README`, `.bashrc`, `file.`) or with an unknown one is `application/octet-stream`.
//!
//! The name may include folders (`images/logo.png`); a dot in a folder's name is not an
//! extension.
//!
//! Judge your attempt with `cargo run -p ch07-mime-charset`.

// ANCHOR: starter
/// The `Content-Type` for a file called `file_name`.
pub fn content_type(file_name: &str) -> String {
    // TODO: take the extension: the text after the last `.` of the last path segment,
    // if there is one and the name does not start with it (`.bashrc` has none).
    let extension = file_name.rsplit('.').next().unwrap_or_default();

    // TODO: complete the table, compare case-insensitively, and add the charset to text.
    let media_type = match extension {
        "html" => "text/html",
        _ => "application/octet-stream",
    };
    media_type.to_string()
}
// ANCHOR_END: starter
