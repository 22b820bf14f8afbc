//! Every deadline in the server, in order, so the loop knows how long it may sleep.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use mio::Token;

// ANCHOR: timers
/// Deadlines, ordered by time. A `BTreeSet` of `(when, token)` pairs: the earliest is
/// `first()`, and a deadline that moves (a write made progress, a request finished) is
/// removed exactly, in O(log n), because its owner remembers when it was set for.
/// The token in the pair keeps two connections due at the same instant apart.
#[derive(Debug, Default)]
pub struct Timers {
    due: BTreeSet<(Instant, Token)>,
}

impl Timers {
    /// Schedules `token` at `when`.
    pub fn insert(&mut self, when: Instant, token: Token) {
        self.due.insert((when, token));
    }

    /// Cancels what [`Timers::insert`] scheduled with the same pair.
    pub fn remove(&mut self, when: Instant, token: Token) {
        self.due.remove(&(when, token));
    }

    /// How long `poll` may sleep: until the earliest deadline, or for ever (`None`)
    /// when there is none. Zero when one has already passed.
    pub fn timeout(&self, now: Instant) -> Option<Duration> {
        self.due
            .first()
            .map(|(when, _)| when.saturating_duration_since(now))
    }

    /// Removes and returns every token whose deadline is at or before `now`, earliest
    /// first.
    pub fn pop_due(&mut self, now: Instant) -> Vec<Token> {
        let mut due = Vec::new();
        while let Some(&(when, token)) = self.due.first() {
            if when > now {
                break;
            }
            self.due.pop_first();
            due.push(token);
        }
        due
    }
}
// ANCHOR_END: timers

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earliest_deadline_sets_the_timeout() {
        let now = Instant::now();
        let mut timers = Timers::default();
        assert_eq!(
            timers.timeout(now),
            None,
            "nothing due: sleep until an event"
        );
        timers.insert(now + Duration::from_millis(300), Token(7));
        timers.insert(now + Duration::from_millis(100), Token(8));
        assert_eq!(timers.timeout(now), Some(Duration::from_millis(100)));
        assert_eq!(
            timers.timeout(now + Duration::from_secs(1)),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn due_tokens_come_out_in_order_and_only_once() {
        let now = Instant::now();
        let mut timers = Timers::default();
        timers.insert(now + Duration::from_millis(30), Token(3));
        timers.insert(now + Duration::from_millis(10), Token(1));
        // Same instant, different connections: both kept.
        timers.insert(now + Duration::from_millis(20), Token(2));
        timers.insert(now + Duration::from_millis(20), Token(4));
        timers.insert(now + Duration::from_millis(90), Token(9));
        let due = timers.pop_due(now + Duration::from_millis(30));
        assert_eq!(due, [Token(1), Token(2), Token(4), Token(3)]);
        assert!(timers.pop_due(now + Duration::from_millis(30)).is_empty());
        assert_eq!(timers.pop_due(now + Duration::from_millis(90)), [Token(9)]);
    }

    #[test]
    fn a_moved_deadline_is_removed_exactly() {
        let now = Instant::now();
        let mut timers = Timers::default();
        let first = now + Duration::from_millis(10);
        timers.insert(first, Token(5));
        timers.remove(first, Token(5));
        timers.insert(now + Duration::from_millis(50), Token(5));
        assert!(timers.pop_due(now + Duration::from_millis(20)).is_empty());
        assert_eq!(timers.pop_due(now + Duration::from_millis(50)), [Token(5)]);
    }
}
