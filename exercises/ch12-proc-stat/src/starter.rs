//! Exercise ch12-proc-stat
//!
//! `chapter12 --server-pid PID` reads the server's CPU time from `/proc/PID/stat`: one
//! line of space-separated fields, where field 14 is `utime` and field 15 is `stime`
//! (clock ticks in user and kernel mode). Field 2 is the program name in parentheses,
//! and a program may be called `my server) (2` — spaces and parentheses included.
//!
//! The code below counts fields from the start of the line, so a name with a space
//! shifts every field after it. Make it count from after the name instead: the name ends
//! at the *last* `)` of the line. Return `None` when the line is too short or a field
//! is not a number.
//!
//! Judge your attempt with `cargo run -p ch12-proc-stat`.

/// `(utime, stime)`: fields 14 and 15 of a `/proc/PID/stat` line.
// ANCHOR: starter
pub fn cpu_ticks(stat_line: &str) -> Option<(u64, u64)> {
    // TODO: this goes wrong when the name (field 2) contains spaces. Find the last `)`
    // and count the fields after it instead: the first one there is field 3.
    let mut fields = stat_line.split_whitespace().skip(13);
    let utime = fields.next()?.parse().ok()?;
    let stime = fields.next()?.parse().ok()?;
    Some((utime, stime))
}
// ANCHOR_END: starter
