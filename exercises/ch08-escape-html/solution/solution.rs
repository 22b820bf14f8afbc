//! Reference solution for ch08-escape-html.

/// `text`, with the characters HTML gives a meaning to replaced by entities.
pub fn escape_html(text: &str) -> String {
    // One pass, one character at a time: no replacement can be escaped twice.
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#x27;"),
            other => escaped.push(other),
        }
    }
    escaped
}
