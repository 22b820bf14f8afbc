//! Reference solution for ch12-proc-stat.

/// `(utime, stime)`: fields 14 and 15 of a `/proc/PID/stat` line.
pub fn cpu_ticks(stat_line: &str) -> Option<(u64, u64)> {
    // The name may contain anything but ends at the line's last `)`.
    let after_name = &stat_line[stat_line.rfind(')')? + 1..];
    // There, field 3 comes first: field 14 is 11 fields further.
    let mut fields = after_name.split_whitespace().skip(14 - 3);
    let utime = fields.next()?.parse().ok()?;
    let stime = fields.next()?.parse().ok()?;
    Some((utime, stime))
}
