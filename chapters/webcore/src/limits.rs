//! How much a client may send us before we stop listening.

/// Size limits for one request. Both are checked while the bytes arrive, so a client
/// can never make us buffer more than about `max_head_bytes + max_body_bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The request line plus every header line plus the blank line. Over it: 431.
    pub max_head_bytes: usize,
    /// The largest `Content-Length` we accept. Over it: 413, answered before a single
    /// body byte is read.
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // 8 KiB is what nginx and Apache allow per header line by default; a whole
            // head that large is already generous for a browser.
            max_head_bytes: 8 * 1024,
            max_body_bytes: 1024 * 1024,
        }
    }
}
