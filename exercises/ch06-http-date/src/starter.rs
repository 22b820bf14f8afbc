//! Exercise ch06-http-date
//!
//! Every response from chapter 06 on carries a `Date` header in the one format HTTP
//! allows (RFC 9110's IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`. Chapter 06 lets the
//! `httpdate` crate write it. Write it yourself from a Unix timestamp (seconds since
//! 1970-01-01 00:00:00 UTC):
//!
//! - a three-letter day name, a comma, the day of the month in two digits, a three-letter
//!   month name, the year in four digits, the time as `HH:MM:SS`, and `GMT`;
//! - years divisible by 4 are leap years, except those divisible by 100, except those
//!   divisible by 400 (2000 was one, 2100 will not be);
//! - 1 January 1970 was a Thursday.
//!
//! Judge your attempt with `cargo run -p ch06-http-date`.

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

// ANCHOR: starter
/// `seconds` after the Unix epoch, as an HTTP date.
pub fn http_date(seconds: u64) -> String {
    let days = seconds / 86_400;
    let time = seconds % 86_400;
    let (hour, minute, second) = (time / 3600, time % 3600 / 60, time % 60);
    let weekday = DAYS[(days % 7) as usize];

    // TODO: turn `days` (since 1970-01-01) into a year, a month (0 = January) and a day
    // of the month, counting leap years.
    let (year, month, day) = (1970, 0, 1);

    format!(
        "{weekday}, {day:02} {} {year} {hour:02}:{minute:02}:{second:02} GMT",
        MONTHS[month]
    )
}
// ANCHOR_END: starter
