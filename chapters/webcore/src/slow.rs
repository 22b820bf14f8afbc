//! Chapter 11's slow routes: one that waits (like a slow database query) and one that
//! computes. They make the cost of serving one request at a time visible.

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::request::Request;
use crate::response::{Response, Status};
use crate::router::Plan;

/// The longest `/sleep` waits: long enough to see, short enough not to hang a test.
pub const MAX_SLEEP: Duration = Duration::from_millis(10_000);
/// The longest `/cpu` burns: a whole second of a core is already a lot.
pub const MAX_CPU: Duration = Duration::from_millis(1_000);

// ANCHOR: parse_ms
/// Reads `ms=N` from a query string. A missing or non-numeric `ms`, or one over `max`,
/// is the client's mistake, answered with 400: a server that quietly waited less than
/// asked would make a benchmark lie.
pub fn parse_ms(query: Option<&str>, max: Duration) -> Result<Duration, String> {
    let value = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "ms")
        .map(|(_, value)| value.into_owned())
        .ok_or("missing ms: try ?ms=500")?;
    let ms: u64 = value
        .parse()
        .map_err(|_| format!("ms must be a whole number of milliseconds, not {value:?}"))?;
    let duration = Duration::from_millis(ms);
    if duration > max {
        return Err(format!("ms must be at most {}", max.as_millis()));
    }
    Ok(duration)
}
// ANCHOR_END: parse_ms

fn bad_ms(why: String) -> Plan {
    Plan::Respond(Response::text(Status::BAD_REQUEST, &format!("{why}\n")))
}

/// `GET /sleep?ms=N`: wait N ms (at most [`MAX_SLEEP`]), then answer.
pub fn sleep_plan(request: &Request) -> Plan {
    match parse_ms(request.query.as_deref(), MAX_SLEEP) {
        Ok(duration) => Plan::Sleep(duration),
        Err(why) => bad_ms(why),
    }
}

/// `GET /cpu?ms=N`: keep a core busy N ms (at most [`MAX_CPU`]), then answer.
pub fn cpu_plan(request: &Request) -> Plan {
    match parse_ms(request.query.as_deref(), MAX_CPU) {
        Ok(duration) => Plan::Compute(duration),
        Err(why) => bad_ms(why),
    }
}

/// The answer once a sleep is over.
pub fn sleep_done(duration: Duration) -> Response {
    Response::text(Status::OK, &format!("slept {} ms\n", duration.as_millis()))
}

// ANCHOR: burn_cpu
/// Does the work one core does in `duration` (measured once by [`calibrate`]), then
/// answers. The thread is busy all along: no other request runs on it meanwhile.
///
/// A fixed amount of *work*, not "spin until the clock says `duration`": a real
/// CPU-bound request (hashing a password, resizing an image) is a fixed amount of work.
/// With more busy threads than cores, each thread gets a share of a core, so a
/// clock-bound loop would do less work per request, and adding threads would seem to
/// add throughput out of nothing (chapter 13 measured exactly that illusion).
pub fn burn_cpu(duration: Duration) -> Response {
    let millis = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
    let rounds = calibrate().saturating_mul(millis);
    let mut x: u64 = 1;
    for _ in 0..rounds {
        x = round(x);
    }
    Response::text(
        Status::OK,
        &format!(
            "burned {millis} ms of CPU ({rounds} thousand rounds, checksum {})\n",
            x % 1000
        ),
    )
}

/// One round: a thousand multiply-adds. `black_box` stops the compiler from noticing
/// the result is never used and deleting the loop.
fn round(mut x: u64) -> u64 {
    for _ in 0..1000 {
        x = black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
    }
    x
}
// ANCHOR_END: burn_cpu

// ANCHOR: calibrate
/// Rounds one core does per millisecond on this machine, measured once. Servers call
/// it at start-up ([`crate::Router::with_slow_routes`] does) so that no request pays
/// for it. Of ten 5 ms samples it keeps the fastest: on a shared machine a sample
/// another process interrupted comes out low, and a low rate would make every request
/// do less work than it claims.
pub fn calibrate() -> u64 {
    static ROUNDS_PER_MS: OnceLock<u64> = OnceLock::new();
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
// ANCHOR_END: calibrate

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ms_is_parsed_and_bounded() {
        let max = Duration::from_millis(1000);
        assert_eq!(
            parse_ms(Some("ms=250"), max),
            Ok(Duration::from_millis(250))
        );
        assert_eq!(parse_ms(Some("x=1&ms=0"), max), Ok(Duration::ZERO));
        assert_eq!(parse_ms(Some("ms=1000"), max), Ok(max));
        for bad in [
            None,
            Some(""),
            Some("ms="),
            Some("ms=-5"),
            Some("ms=1.5"),
            Some("ms=abc"),
        ] {
            assert!(parse_ms(bad, max).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn burn_cpu_does_a_fixed_amount_of_work_per_millisecond() {
        let rounds = |ms| {
            let response = burn_cpu(Duration::from_millis(ms));
            assert_eq!(response.status, Status::OK);
            let text = String::from_utf8(response.body).expect("a text answer");
            let (_, after) = text.split_once('(').expect("rounds in parentheses");
            after.split(' ').next().unwrap().parse::<u64>().unwrap()
        };
        let per_ms = calibrate();
        assert!(per_ms > 0);
        // The same work however busy the machine is: the clock plays no part.
        assert_eq!(rounds(10), 10 * per_ms);
        assert_eq!(rounds(20), 20 * per_ms);
    }
}
