//! Reference solution for ch06-http-date.

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `seconds` after the Unix epoch, as an HTTP date.
pub fn http_date(seconds: u64) -> String {
    let mut days = seconds / 86_400;
    let time = seconds % 86_400;
    let (hour, minute, second) = (time / 3600, time % 3600 / 60, time % 60);
    let weekday = DAYS[(days % 7) as usize];

    // Peel off whole years, then whole months: a few hundred steps at most.
    let mut year = 1970;
    while days >= days_in_year(year) {
        days -= days_in_year(year);
        year += 1;
    }
    let mut month = 0;
    while days >= days_in_month(year, month) {
        days -= days_in_month(year, month);
        month += 1;
    }
    let day = days + 1;

    format!(
        "{weekday}, {day:02} {} {year} {hour:02}:{minute:02}:{second:02} GMT",
        MONTHS[month]
    )
}

fn is_leap(year: u64) -> bool {
    // Every 4th year, except every 100th, except every 400th.
    match (year % 400, year % 100, year % 4) {
        (0, _, _) => true,
        (_, 0, _) => false,
        (_, _, 0) => true,
        _ => false,
    }
}

fn days_in_year(year: u64) -> u64 {
    if is_leap(year) { 366 } else { 365 }
}

fn days_in_month(year: u64, month: usize) -> u64 {
    const LENGTHS: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if month == 1 && is_leap(year) {
        29
    } else {
        LENGTHS[month]
    }
}
