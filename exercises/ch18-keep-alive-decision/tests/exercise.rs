//! Plain `cargo test`: the solution passes, the untouched starter fails, and the checks
//! catch the mistakes chapter 18 warns about.

use ch18_keep_alive_decision::given::Version;
use ch18_keep_alive_decision::{Implementation, exercise};

#[test]
fn solution_passes_and_untouched_starter_fails() {
    exercise_harness::verify(&exercise(), env!("CARGO_BIN_EXE_ch18-keep-alive-decision"));
}

/// Wrong on purpose: the whole header compared with one exact string. `Connection:
/// Close` and `Connection: Upgrade, close` keep the connection open, and so the client
/// waits for an end of answer that never comes; `Keep-Alive, Upgrade` closes it.
fn keeps_alive_exact_compare(
    version: Version,
    connection: Option<&str>,
    answered: usize,
    max_requests: usize,
) -> bool {
    let client_wants = match version {
        Version::Http11 => connection.is_none_or(|value| value != "close"),
        Version::Http10 => connection.is_some_and(|value| value == "keep-alive"),
    };
    client_wants && answered + 1 < max_requests
}

/// Wrong on purpose: split into tokens, but compared case-sensitively.
fn keeps_alive_case_sensitive(
    version: Version,
    connection: Option<&str>,
    answered: usize,
    max_requests: usize,
) -> bool {
    let asked = |token: &str| {
        connection.is_some_and(|value| value.split(',').any(|item| item.trim() == token))
    };
    let client_wants = match version {
        Version::Http11 => !asked("close"),
        Version::Http10 => asked("keep-alive"),
    };
    client_wants && answered + 1 < max_requests
}

/// Wrong on purpose: every version treated as HTTP/1.1, open unless asked to close. An
/// HTTP/1.0 client that reads its answer to the end of the connection waits for ever.
fn keeps_alive_http10_open_by_default(
    _version: Version,
    connection: Option<&str>,
    answered: usize,
    max_requests: usize,
) -> bool {
    let asked_to_close = connection.is_some_and(|value| {
        value
            .split(',')
            .any(|item| item.trim().eq_ignore_ascii_case("close"))
    });
    !asked_to_close && answered + 1 < max_requests
}

/// Wrong on purpose: the cap compared with the answers given *before* this one, so a
/// cap of 2 lets a third request through.
fn keeps_alive_cap_off_by_one(
    version: Version,
    connection: Option<&str>,
    answered: usize,
    max_requests: usize,
) -> bool {
    let asked = |token: &str| {
        connection.is_some_and(|value| {
            value
                .split(',')
                .any(|item| item.trim().eq_ignore_ascii_case(token))
        })
    };
    let client_wants = match version {
        Version::Http11 => !asked("close"),
        Version::Http10 => asked("keep-alive"),
    };
    client_wants && answered < max_requests
}

const ANY_CASE: &str = "`close` closes in any capitalisation: `Close`, `CLOSE`";
const TOKEN_LIST: &str =
    "the header is a list: `Upgrade, close` closes, `Keep-Alive, Upgrade` keeps HTTP/1.0 open";
const HTTP10: &str = "HTTP/1.0 closes unless the client sends `Connection: keep-alive`";
const CAP: &str = "a cap of 2 allows exactly 2 answers on one connection";

#[test]
fn the_checks_catch_an_exact_string_compare() {
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "the Connection header compared whole, `value == \"close\"`",
        Implementation {
            keeps_alive: keeps_alive_exact_compare,
        },
    );
    assert_eq!(caught, vec![ANY_CASE, TOKEN_LIST]);
}

#[test]
fn the_checks_catch_tokens_compared_case_sensitively() {
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "the tokens compared with `==`, not `eq_ignore_ascii_case`",
        Implementation {
            keeps_alive: keeps_alive_case_sensitive,
        },
    );
    assert!(caught.contains(&ANY_CASE), "{caught:?}");
}

#[test]
fn the_checks_catch_http10_kept_open_by_default() {
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "HTTP/1.0 kept open without `Connection: keep-alive`",
        Implementation {
            keeps_alive: keeps_alive_http10_open_by_default,
        },
    );
    assert_eq!(caught, vec![HTTP10]);
}

#[test]
fn the_checks_catch_a_cap_off_by_one() {
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "`answered < max_requests`, which allows one answer too many",
        Implementation {
            keeps_alive: keeps_alive_cap_off_by_one,
        },
    );
    assert_eq!(caught, vec![CAP]);
}
