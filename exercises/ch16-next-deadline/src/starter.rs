//! Exercise ch16-next-deadline
//!
//! Chapter 16's event loop keeps every deadline in a `BTreeSet<(Instant, usize)>`: when
//! it is due, and the token of the connection it belongs to. A `BTreeSet` keeps its
//! items sorted, so the earliest deadline is always `first()`.
//!
//! Write the two functions the loop calls on every turn:
//!
//! - `poll_timeout`: how long `poll` may sleep. Until the earliest deadline (zero if it
//!   has already passed), or `None` (sleep until an event) when there are no deadlines.
//!   This version still wakes every 250 ms, like chapter 15's sweep.
//! - `pop_due`: remove every deadline at or before `now` and return their tokens,
//!   earliest first, leaving the later ones in the set.
//!
//! Judge your attempt with `cargo run -p ch16-next-deadline`.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// How long `poll` may sleep, given the deadlines.
// ANCHOR: starter
pub fn poll_timeout(deadlines: &BTreeSet<(Instant, usize)>, now: Instant) -> Option<Duration> {
    // TODO: look at the earliest deadline (`deadlines.first()`) instead of waking
    // every 250 ms; `None` when there is none.
    let _ = (deadlines, now); // (delete this line once you use them)
    Some(Duration::from_millis(250))
}

/// Removes the deadlines at or before `now`; returns their tokens, earliest first.
pub fn pop_due(deadlines: &mut BTreeSet<(Instant, usize)>, now: Instant) -> Vec<usize> {
    // TODO: while the first deadline is at or before `now`, remove it (`pop_first`)
    // and collect its token.
    let _ = (deadlines, now); // (delete this line once you use them)
    Vec::new()
}
// ANCHOR_END: starter
