//! Exercise ch11-sleep-param
//!
//! `/sleep?ms=N` waits N milliseconds. `parse_ms` gets the query string (the part of the
//! target after `?`, or `None` when there is none) and returns N, or an error message
//! that the server sends back with a 400:
//!
//! - `ms` may be anywhere among the parameters: `a=1&ms=250&b=2` means 250;
//! - a missing `ms`, an empty one, or one that is not a whole number (`-5`, `1.5`,
//!   `lots`) is an error, never a silent 0;
//! - a value over `max_ms` is an error too (a server that quietly slept less than asked
//!   would make every benchmark lie).
//!
//! Judge your attempt with `cargo run -p ch11-sleep-param`.

/// The `ms` parameter of `query`, at most `max_ms`.
pub fn parse_ms(query: Option<&str>, max_ms: u64) -> Result<u64, String> {
    let _ = max_ms; // TODO: refuse values over `max_ms`.
    // TODO: find `ms` among `&`-separated `name=value` pairs, not only at the start.
    let value = query
        .unwrap_or_default()
        .strip_prefix("ms=")
        .unwrap_or_default();
    // TODO: a value that does not parse is an error, not 0.
    Ok(value.parse().unwrap_or(0))
}
