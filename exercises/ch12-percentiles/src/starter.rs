//! Exercise ch12-percentiles
//!
//! The load generator keeps every latency, sorts them, and reads p50, p90 and p99 from
//! the sorted list. Write that reading: the *nearest-rank* percentile. For `n` sorted
//! samples, the `p`th percentile is the sample at rank `ceil(p / 100 × n)`, where ranks
//! count from 1 (rank 1 is `sorted[0]`). A rank of 0 (when `p` is 0) means rank 1.
//! No samples: `None`.
//!
//! With the samples 1, 2, ..., 100, p99 is 99; with 10, 20, 30, 40, 50, p50 is 30
//! (rank ceil(2.5) = 3) and p90 is 50 (rank ceil(4.5) = 5).
//!
//! Compute the rank as `p × n / 100`, the multiplication first, as chapter 12 does. In
//! floating point `99.9 / 100.0 * 1000.0` is 999.0000000000001, and its ceiling is 1000,
//! not 999: dividing first is off by one rank for many `p` and `n`.
//!
//! Judge your attempt with `cargo run -p ch12-percentiles`.

/// The nearest-rank `p`th percentile (0 ≤ p ≤ 100) of `sorted`, which is in ascending order.
// ANCHOR: starter
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    // TODO: return `None` when there are no samples.
    // TODO: compute the rank `ceil(p × n / 100)` (multiply first), keep it between 1 and
    // n, and return the sample at that rank (ranks count from 1, indexes from 0).
    let middle = sorted.len() / 2;
    let _ = p;
    sorted.get(middle).copied()
}
// ANCHOR_END: starter
