//! Reference solution for ch11-sleep-param.

/// The `ms` parameter of `query`, at most `max_ms`.
pub fn parse_ms(query: Option<&str>, max_ms: u64) -> Result<u64, String> {
    let value = query
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("ms="))
        .ok_or("missing ms: try ?ms=500")?;
    // `u64::parse` refuses "", "-5", "1.5" and "lots", and numbers too big for a u64.
    let ms: u64 = value
        .parse()
        .map_err(|_| format!("ms must be a whole number of milliseconds, not {value:?}"))?;
    if ms > max_ms {
        return Err(format!("ms must be at most {max_ms}"));
    }
    Ok(ms)
}
