//! Reference solution for ch16-next-deadline.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// How long `poll` may sleep, given the deadlines.
pub fn poll_timeout(deadlines: &BTreeSet<(Instant, usize)>, now: Instant) -> Option<Duration> {
    // `saturating_duration_since`: a deadline already passed means "do not sleep".
    deadlines
        .first()
        .map(|(when, _)| when.saturating_duration_since(now))
}

/// Removes the deadlines at or before `now`; returns their tokens, earliest first.
pub fn pop_due(deadlines: &mut BTreeSet<(Instant, usize)>, now: Instant) -> Vec<usize> {
    let mut due = Vec::new();
    while let Some(&(when, token)) = deadlines.first() {
        if when > now {
            break;
        }
        deadlines.pop_first();
        due.push(token);
    }
    due
}
