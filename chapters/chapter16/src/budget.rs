//! How many response bytes wait for slow readers, over the whole server.

use std::collections::HashMap;

use mio::Token;

// ANCHOR: budget
/// Unsent response bytes, per connection and in all. A client that asks for a large
/// file and reads it slowly leaves the rest in our memory; ten thousand of them would
/// leave gigabytes. Above `limit` the loop starts no new answer until they catch up.
#[derive(Debug)]
pub struct OutputBudget {
    limit: usize,
    buffered: usize,
    accounted: HashMap<Token, usize>,
}

impl OutputBudget {
    pub fn new(limit: usize) -> OutputBudget {
        OutputBudget {
            limit,
            buffered: 0,
            accounted: HashMap::new(),
        }
    }

    /// Records that `token` now holds `bytes` unsent (0 once it is gone).
    pub fn set(&mut self, token: Token, bytes: usize) {
        if bytes == 0 && self.accounted.is_empty() {
            // The common case: answers leave in one write, nobody holds anything.
            return;
        }
        let old = if bytes == 0 {
            self.accounted.remove(&token).unwrap_or(0)
        } else {
            self.accounted.insert(token, bytes).unwrap_or(0)
        };
        self.buffered = self.buffered - old + bytes;
    }

    /// Whether new answers must wait.
    pub fn is_spent(&self) -> bool {
        self.buffered >= self.limit
    }
}
// ANCHOR_END: budget

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_follows_every_connection() {
        let mut budget = OutputBudget::new(100);
        budget.set(Token(2), 60);
        assert!(!budget.is_spent());
        budget.set(Token(3), 40);
        assert!(budget.is_spent());
        budget.set(Token(2), 10);
        assert!(!budget.is_spent());
        budget.set(Token(3), 0);
        budget.set(Token(2), 0);
        assert_eq!(budget.buffered, 0);
    }
}
