//! Reference solution for ch08-query-parameters.

/// The decoded `(name, value)` pairs of `query`.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// `+` → space, `%XX` → the byte `XX`, then UTF-8.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => decoded.push(b' '),
            b'%' => {
                // Only a `%` followed by two hex digits is an escape.
                let high = bytes.get(i + 1).and_then(|&b| hex(b));
                let low = bytes.get(i + 2).and_then(|&b| hex(b));
                if let (Some(high), Some(low)) = (high, low) {
                    decoded.push(high * 16 + low);
                    i += 3;
                    continue;
                }
                decoded.push(b'%');
            }
            other => decoded.push(other),
        }
        i += 1;
    }
    // Percent escapes can spell any bytes, valid UTF-8 or not.
    String::from_utf8_lossy(&decoded).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|value| value as u8)
}
