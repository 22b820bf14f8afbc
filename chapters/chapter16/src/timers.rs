//! Every deadline in the server, in order, so the loop knows how long it may sleep.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use mio::Token;

// ANCHOR: timers
/// Deadlines, ordered by time. A `BTreeSet` of `(when, token)` pairs: the earliest is
/// `first()`, and a deadline that moves (a write made progress, a request finished) is
/// removed exactly, in O(log n), because `scheduled` remembers when each token is set
/// for. The token in the pair keeps two connections due at the same instant apart.
#[derive(Debug, Default)]
pub struct Timers {
    due: BTreeSet<(Instant, Token)>,
    scheduled: HashMap<Token, Instant>,
}

impl Timers {
    /// Keeps a timer for `token` no later than `when`; removes it for `None` (a closed
    /// connection, or one whose answer a worker will bring).
    ///
    /// A deadline that moves *later* leaves the timer where it is. Every answer on a
    /// kept-alive connection pushes its idle deadline back, and moving a timer costs two
    /// tree operations; instead the old timer fires early, the connection sees that
    /// nothing is due yet (`on_deadline` checks the time itself), and its next `set`
    /// puts the timer where the deadline now is. One extra wake-up per idle timeout,
    /// instead of tree work on every request.
    pub fn set(&mut self, token: Token, when: Option<Instant>) {
        let old = self.scheduled.get(&token).copied();
        let later_or_same = matches!((old, when), (Some(old), Some(new)) if new >= old);
        if old == when || later_or_same {
            return;
        }
        if let Some(old) = old {
            self.due.remove(&(old, token));
            self.scheduled.remove(&token);
        }
        if let Some(when) = when {
            self.due.insert((when, token));
            self.scheduled.insert(token, when);
        }
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
            self.scheduled.remove(&token);
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
        timers.set(Token(7), Some(now + Duration::from_millis(300)));
        timers.set(Token(8), Some(now + Duration::from_millis(100)));
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
        timers.set(Token(3), Some(now + Duration::from_millis(30)));
        timers.set(Token(1), Some(now + Duration::from_millis(10)));
        // Same instant, different connections: both kept.
        timers.set(Token(2), Some(now + Duration::from_millis(20)));
        timers.set(Token(4), Some(now + Duration::from_millis(20)));
        timers.set(Token(9), Some(now + Duration::from_millis(90)));
        let due = timers.pop_due(now + Duration::from_millis(30));
        assert_eq!(due, [Token(1), Token(2), Token(4), Token(3)]);
        assert!(timers.pop_due(now + Duration::from_millis(30)).is_empty());
        assert_eq!(timers.pop_due(now + Duration::from_millis(90)), [Token(9)]);
    }

    #[test]
    fn a_deadline_moved_later_fires_early_and_is_set_again() {
        let now = Instant::now();
        let mut timers = Timers::default();
        timers.set(Token(5), Some(now + Duration::from_millis(10)));
        timers.set(Token(5), Some(now + Duration::from_millis(50)));
        // Fires at the old time; the loop then sets it to the new one.
        assert_eq!(timers.pop_due(now + Duration::from_millis(10)), [Token(5)]);
        timers.set(Token(5), Some(now + Duration::from_millis(50)));
        assert_eq!(timers.timeout(now), Some(Duration::from_millis(50)));
    }

    #[test]
    fn a_moved_deadline_is_removed_exactly() {
        let now = Instant::now();
        let mut timers = Timers::default();
        timers.set(Token(5), Some(now + Duration::from_millis(50)));
        timers.set(Token(5), Some(now + Duration::from_millis(10)));
        assert_eq!(timers.pop_due(now + Duration::from_millis(20)), [Token(5)]);
        assert!(timers.pop_due(now + Duration::from_millis(50)).is_empty());
        timers.set(Token(6), Some(now + Duration::from_millis(10)));
        timers.set(Token(6), None);
        assert!(timers.pop_due(now + Duration::from_secs(1)).is_empty());
    }
}
