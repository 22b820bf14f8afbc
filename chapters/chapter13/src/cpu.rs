//! `/cpu?ms=N` as a fixed amount of work, for the measurements of chapters 13 and 14
//! (chapter 14 reads this same file through `#[path]`).
//!
//! Why not webcore's `burn_cpu`: it spins until N ms of *wall-clock* time have passed.
//! Alone on a core that is N ms of CPU. But with more busy threads than cores, each
//! thread gets only a share of a core during those N ms and does less work, so adding
//! threads seems to add throughput out of nothing. A real CPU-bound request (hashing a
//! password, resizing an image) is a fixed amount of work. So this route measures, once
//! at start-up, how much work one core does in a millisecond, and then always does
//! N times that, however long it takes. (Until webcore's `burn_cpu` does the same.)

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use webcore::router::Plan;
use webcore::slow::{MAX_CPU, parse_ms};
use webcore::{Request, Response, Status};

/// Rounds of arithmetic one core does per millisecond on this machine.
static ROUNDS_PER_MS: OnceLock<u64> = OnceLock::new();

/// A thousand multiply-adds: one round. `black_box` keeps the compiler from noticing
/// the result is never used and deleting the loop.
fn round(mut x: u64) -> u64 {
    for _ in 0..1000 {
        x = black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
    }
    x
}

/// Measures [`ROUNDS_PER_MS`]. Call it at start-up: it takes ten samples of 5 ms and
/// keeps the fastest, because on a shared machine a sample that another process
/// interrupted comes out low, and a low rate would make every request do less work.
pub fn calibrate() -> u64 {
    *ROUNDS_PER_MS.get_or_init(|| {
        let mut best = 1;
        let mut x = 1u64;
        for _ in 0..10 {
            let start = Instant::now();
            let mut rounds = 0u64;
            while start.elapsed() < Duration::from_millis(5) {
                x = round(x);
                rounds += 1;
            }
            best = best.max(rounds / 5);
        }
        black_box(x);
        best
    })
}

// ANCHOR: cpu_plan
/// `GET /cpu?ms=N`: the work a core does in N ms (N at most 1000), then the answer.
pub fn cpu_plan(request: &Request) -> Plan {
    let duration = match parse_ms(request.query.as_deref(), MAX_CPU) {
        Ok(duration) => duration,
        Err(why) => {
            return Plan::Respond(Response::text(Status::BAD_REQUEST, &format!("{why}\n")));
        }
    };
    let millis = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
    let rounds = calibrate().saturating_mul(millis);
    let mut x = 1u64;
    for _ in 0..rounds {
        x = round(x);
    }
    Plan::Respond(Response::text(
        Status::OK,
        &format!(
            "burned {millis} ms of CPU ({rounds} thousand rounds, checksum {})\n",
            x % 1000
        ),
    ))
}
// ANCHOR_END: cpu_plan
