//! Plain `cargo test`: the solution passes, the untouched starter fails, and the checks
//! catch the mistakes chapter 12 warns about.

use ch12_percentiles::{Implementation, exercise};

#[test]
fn solution_passes_and_untouched_starter_fails() {
    exercise_harness::verify(&exercise(), env!("CARGO_BIN_EXE_ch12-percentiles"));
}

/// Wrong on purpose: the reference solution with the division first, `p / 100 × n`. The
/// floating-point error of `p / 100` survives the multiplication, and `ceil` turns it
/// into a whole rank: p99.9 of 1000 samples picks rank 1000, not 999.
fn percentile_divide_first(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Wrong on purpose: the other division first, `n / 100 × p`.
fn percentile_count_divided_first(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() as f64 / 100.0 * p).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Wrong on purpose: integer arithmetic, which drops the fraction of p99.9.
fn percentile_integer_rank(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p as usize * sorted.len()).div_ceil(100);
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

const EXACT_RANK: &str =
    "multiply p by n before dividing by 100: p99.9 of 1..=1000 is 999, not 1000";

#[test]
fn the_checks_catch_the_divide_first_rounding_bug() {
    // Every other check passes it: without the exact-rank check, this bug went unseen.
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "the rank computed as p / 100 × n, dividing first",
        Implementation {
            percentile: percentile_divide_first,
        },
    );
    assert_eq!(caught, vec![EXACT_RANK]);
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "the rank computed as n / 100 × p, dividing first",
        Implementation {
            percentile: percentile_count_divided_first,
        },
    );
    assert_eq!(caught, vec![EXACT_RANK]);
}

#[test]
fn the_checks_catch_a_rank_in_integers() {
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "the rank computed in integers, p truncated",
        Implementation {
            percentile: percentile_integer_rank,
        },
    );
    assert!(caught.contains(&EXACT_RANK), "{caught:?}");
}
