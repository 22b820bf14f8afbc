//! Exercise ch08-query-parameters
//!
//! A query string (`name=reader&msg=two+words%21`) and a form body use the same encoding,
//! `application/x-www-form-urlencoded`. Chapter 08 decodes it with `form_urlencoded`;
//! write the decoder yourself, without that crate or `percent-encoding`:
//!
//! - split at `&`; skip empty pieces; split each piece at its *first* `=` (no `=`: the
//!   value is empty);
//! - in names and values, `+` is a space and `%XX` (two hex digits) is the byte `XX`;
//!   a `%` not followed by two hex digits stays as it is;
//! - the decoded bytes are UTF-8; invalid sequences become `�`
//!   (`String::from_utf8_lossy`);
//! - keep every pair, in order, repeated names included.
//!
//! Judge your attempt with `cargo run -p ch08-query-parameters`.

// ANCHOR: starter
/// The decoded `(name, value)` pairs of `query`.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for piece in query.split('&') {
        // TODO: skip empty pieces; a piece without `=` has an empty value.
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        pairs.push((decode(name), decode(value)));
    }
    pairs
}

/// `+` → space, `%XX` → the byte `XX`, then UTF-8.
fn decode(text: &str) -> String {
    // TODO: decode `+` and `%XX`.
    text.to_string()
}
// ANCHOR_END: starter
