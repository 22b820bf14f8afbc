//! Reference solution for ch07-mime-charset.

/// The `Content-Type` for a file called `file_name`.
pub fn content_type(file_name: &str) -> String {
    let media_type = match extension(file_name).map(str::to_ascii_lowercase).as_deref() {
        Some("html" | "htm") => "text/html",
        Some("css") => "text/css",
        Some("txt") => "text/plain",
        Some("js" | "mjs") => "text/javascript",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        Some("ico") => "image/x-icon",
        Some("wasm") => "application/wasm",
        Some("pdf") => "application/pdf",
        Some("gz") => "application/gzip",
        _ => "application/octet-stream",
    };
    // Without a charset a browser guesses the encoding, and may show `Ã©` for `é`.
    if media_type.starts_with("text/") || media_type == "application/json" {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_string()
    }
}

/// The text after the last dot of the file's own name, if it has a real extension.
fn extension(file_name: &str) -> Option<&str> {
    let name = file_name.rsplit('/').next().unwrap_or(file_name);
    match name.rfind('.') {
        // A leading dot marks a hidden file (`.bashrc`), not an extension.
        Some(0) | None => None,
        Some(dot) => Some(&name[dot + 1..]).filter(|ext| !ext.is_empty()),
    }
}
