//! Plain `cargo test`: the solution passes, the untouched starter fails, and the checks
//! catch the mistake chapter 05 warns about.

use ch05_content_length_body::given::Framing;
use ch05_content_length_body::{Implementation, exercise};

#[test]
fn solution_passes_and_untouched_starter_fails() {
    exercise_harness::verify(&exercise(), env!("CARGO_BIN_EXE_ch05-content-length-body"));
}

/// Wrong on purpose: the reference solution, except that each `Content-Length` simply
/// replaces the one before, so `Content-Length: 5` then `Content-Length: 6` frames a
/// 6-byte body where another server would frame 5 (request smuggling).
fn frame_last_length_wins(buffer: &[u8]) -> Framing {
    let Some(blank_line) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Framing::Incomplete;
    };
    let head_len = blank_line + 4;
    let head = String::from_utf8_lossy(&buffer[..head_len]);
    let mut body_len = 0;
    for line in head.split("\r\n").skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if !name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        let value = value.trim();
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Framing::Invalid;
        }
        match value.parse() {
            Ok(length) => body_len = length,
            Err(_) => return Framing::Invalid,
        }
    }
    if buffer.len() >= head_len + body_len {
        Framing::Complete { head_len, body_len }
    } else {
        Framing::Incomplete
    }
}

#[test]
fn the_checks_catch_two_content_lengths_that_disagree() {
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "two different Content-Length values, the last one taken",
        Implementation {
            frame: frame_last_length_wins,
        },
    );
    assert_eq!(
        caught,
        vec!["two different Content-Length values are invalid; the same value twice is not"]
    );
}
