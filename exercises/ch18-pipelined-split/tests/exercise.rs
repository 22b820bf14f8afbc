//! Plain `cargo test`: the solution passes, the untouched starter fails, and the checks
//! catch the mistakes chapter 18 warns about.

use ch18_pipelined_split::given::{Framing, Piece, frame};
use ch18_pipelined_split::{Implementation, exercise};

#[test]
fn solution_passes_and_untouched_starter_fails() {
    exercise_harness::verify(&exercise(), env!("CARGO_BIN_EXE_ch18-pipelined-split"));
}

/// Wrong on purpose: takes the first request, then clears the buffer, as a server that
/// expects one request per read would. Every request that came in the same read as the
/// first is lost, and the client waits for their answers for ever.
fn take_first_then_clear(buffer: &mut Vec<u8>) -> Vec<Piece> {
    match frame(buffer) {
        Framing::Complete { len } => {
            let request = buffer[..len].to_vec();
            buffer.clear();
            vec![Piece::Request(request)]
        }
        Framing::Incomplete => Vec::new(),
        Framing::Invalid => {
            buffer.clear();
            vec![Piece::Invalid]
        }
    }
}

/// Wrong on purpose: keeps the bytes after the first request, but takes only one per
/// call. Called once per read, it leaves a pipelined request sitting in the buffer until
/// the next read, which never comes: the client is waiting for that very answer.
fn take_one_per_call(buffer: &mut Vec<u8>) -> Vec<Piece> {
    match frame(buffer) {
        Framing::Complete { len } => vec![Piece::Request(buffer.drain(..len).collect())],
        Framing::Incomplete => Vec::new(),
        Framing::Invalid => {
            buffer.clear();
            vec![Piece::Invalid]
        }
    }
}

/// Wrong on purpose: stops at invalid bytes without dropping them, so the same garbage
/// is found on every later call, and whatever follows it is still taken for requests.
fn take_keeping_invalid_bytes(buffer: &mut Vec<u8>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    loop {
        match frame(buffer) {
            Framing::Complete { len } => pieces.push(Piece::Request(buffer.drain(..len).collect())),
            Framing::Incomplete => return pieces,
            Framing::Invalid => {
                pieces.push(Piece::Invalid);
                return pieces;
            }
        }
    }
}

const IN_ORDER: &str = "three requests in one buffer come out in order, and nothing is left";
const FEW_BYTES: &str = "requests arriving a few bytes per read all come out, none lost";
const INVALID: &str = "invalid bytes: the requests before them, then Invalid, and nothing kept";

#[test]
fn the_checks_catch_a_buffer_cleared_after_the_first_request() {
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "the buffer cleared after taking the first request",
        Implementation {
            take_requests: take_first_then_clear,
        },
    );
    assert!(
        caught.contains(&IN_ORDER) && caught.contains(&FEW_BYTES),
        "{caught:?}"
    );
}

#[test]
fn the_checks_catch_one_request_per_call() {
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "only the first whole request taken on each call",
        Implementation {
            take_requests: take_one_per_call,
        },
    );
    assert!(caught.contains(&IN_ORDER), "{caught:?}");
}

#[test]
fn the_checks_catch_invalid_bytes_kept() {
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "invalid bytes left in the buffer",
        Implementation {
            take_requests: take_keeping_invalid_bytes,
        },
    );
    assert_eq!(caught, vec![INVALID]);
}
