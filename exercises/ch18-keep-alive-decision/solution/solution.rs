//! Reference solution for ch18-keep-alive-decision.

use crate::given::Version;

/// Whether the connection stays open after the answer to this request.
pub fn keeps_alive(
    version: Version,
    connection: Option<&str>,
    answered: usize,
    max_requests: usize,
) -> bool {
    // `Connection` is a list of tokens (`keep-alive, Upgrade`), case-insensitive: a
    // whole-string compare misses `Close` and `Upgrade, close`.
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
    // This answer is number `answered + 1`: stay open only if another may follow.
    client_wants && answered + 1 < max_requests
}
