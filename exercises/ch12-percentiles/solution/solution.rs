//! Reference solution for ch12-percentiles.

/// The nearest-rank `p`th percentile (0 ≤ p ≤ 100) of `sorted`, which is in ascending order.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64 / 100.0).ceil() as usize;
    // Ranks count from 1; p = 0 gives rank 0, which means the smallest sample.
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}
