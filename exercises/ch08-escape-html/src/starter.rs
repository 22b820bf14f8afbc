//! Exercise ch08-escape-html
//!
//! Chapter 08's pages show the client's own text: headers, query parameters, form
//! fields. Written into a page as it came, `<script>…</script>` would run in the browser.
//! Write `escape_html`, which makes text safe to put between tags *and* inside a quoted
//! attribute value:
//!
//! - `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`, `"` → `&quot;`, `'` → `&#x27;`;
//! - every other character stays as it is (UTF-8 included).
//!
//! Mind the order: `&` must not be escaped again after the others added theirs.
//!
//! Judge your attempt with `cargo run -p ch08-escape-html`.

// ANCHOR: starter
/// `text`, with the characters HTML gives a meaning to replaced by entities.
pub fn escape_html(text: &str) -> String {
    // TODO: escape `&`, `"` and `'` as well, and mind the order.
    text.replace('<', "&lt;").replace('>', "&gt;")
}
// ANCHOR_END: starter
