//! Latency statistics from the recorded samples.
//!
//! The generator keeps every latency (8 bytes each: a million requests cost 8 MB), sorts
//! them once at the end and reads percentiles straight from the sorted list. That is
//! exact, with no histogram buckets to explain.

use std::time::Duration;

// ANCHOR: percentile
/// The nearest-rank percentile of `sorted` (ascending): the smallest sample such that at
/// least `p` percent of all samples are at or below it. `None` for no samples.
///
/// With 100 samples, p99 is the 99th smallest: one request in a hundred took longer.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64 / 100.0).ceil() as usize;
    // Rank 0 (p = 0) means the smallest sample; ranks count from 1.
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}
// ANCHOR_END: percentile

/// The summary of one set of latencies, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub mean: f64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub max: u64,
}

impl Summary {
    /// Sorts `samples` (microseconds) and summarises them; `None` when there are none.
    pub fn of(samples: &mut [u64]) -> Option<Summary> {
        samples.sort_unstable();
        let count = samples.len();
        let sum: u64 = samples.iter().sum();
        Some(Summary {
            count,
            mean: sum as f64 / count.max(1) as f64,
            p50: percentile(samples, 50.0)?,
            p90: percentile(samples, 90.0)?,
            p99: percentile(samples, 99.0)?,
            max: *samples.last()?,
        })
    }
}

/// A duration as whole microseconds, the unit the samples are kept in.
pub fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_on_one_to_a_hundred_is_the_rank_itself() {
        let samples: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&samples, 50.0), Some(50));
        assert_eq!(percentile(&samples, 90.0), Some(90));
        assert_eq!(percentile(&samples, 99.0), Some(99));
        assert_eq!(percentile(&samples, 100.0), Some(100));
        assert_eq!(percentile(&samples, 0.0), Some(1));
    }

    #[test]
    fn nearest_rank_rounds_the_rank_up() {
        // Five samples: p50 is rank ceil(2.5) = 3, p90 is rank ceil(4.5) = 5.
        let samples = [10, 20, 30, 40, 50];
        assert_eq!(percentile(&samples, 50.0), Some(30));
        assert_eq!(percentile(&samples, 90.0), Some(50));
        assert_eq!(percentile(&samples, 20.0), Some(10));
        assert_eq!(percentile(&samples, 21.0), Some(20));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn one_slow_request_in_a_hundred_moves_the_max_not_the_p99() {
        let mut samples: Vec<u64> = vec![1_000; 99];
        samples.push(500_000);
        samples.reverse(); // unsorted on purpose: `of` sorts
        let summary = Summary::of(&mut samples).expect("samples");
        assert_eq!(
            (summary.p50, summary.p99, summary.max),
            (1_000, 1_000, 500_000)
        );
        // ...but the mean is six times the typical request: it hides what users see.
        assert!((summary.mean - 5_990.0).abs() < 1e-9, "{}", summary.mean);
        assert_eq!(Summary::of(&mut []), None);
    }
}
