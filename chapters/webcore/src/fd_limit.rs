//! Every connection holds a file descriptor, and Linux gives a process 1,024 by
//! default: a server meant for ten thousand connections must ask for more. It may raise
//! its own soft limit up to the hard limit, no further; past that only the person
//! running it can help (`ulimit -Hn`, systemd's `LimitNOFILE=`), so we say so clearly.

use crate::log;

/// Descriptors a server needs besides its connections: stdio, the listener, the
/// poller, a waker, a few files being served.
pub const SPARE: u64 = 64;

// ANCHOR: raise_open_files
/// Raises the open-files limit so that `connections` connections fit, as far as the
/// hard limit allows, and returns the limit now in force. When it still falls short,
/// logs one line saying how many connections will fit and how to allow more.
pub fn raise_open_files(connections: u64) -> u64 {
    let wanted = connections.saturating_add(SPARE);
    let (soft, hard) = match rlimit::Resource::NOFILE.get() {
        Ok(limits) => limits,
        Err(e) => {
            log::line(format_args!("cannot read the open-files limit: {e}"));
            return 0;
        }
    };
    let target = wanted.min(hard).max(soft);
    let now = if target > soft {
        match rlimit::Resource::NOFILE.set(target, hard) {
            Ok(()) => target,
            Err(e) => {
                log::line(format_args!("cannot raise the open-files limit: {e}"));
                soft
            }
        }
    } else {
        soft
    };
    if let Some(warning) = shortfall(connections, now, hard) {
        log::line(format_args!("{warning}"));
    }
    now
}
// ANCHOR_END: raise_open_files

/// The warning when `limit` descriptors cannot hold `connections` connections.
pub fn shortfall(connections: u64, limit: u64, hard: u64) -> Option<String> {
    let fit = limit.saturating_sub(SPARE);
    (fit < connections).then(|| {
        format!(
            "warning: the open-files limit is {limit} (hard limit {hard}), so about {fit} \
             connections fit, not {connections}; raise it with `ulimit -n {}` before \
             starting the server (root may need to raise the hard limit first)",
            connections.saturating_add(SPARE)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_that_holds_every_connection_is_silent() {
        assert_eq!(shortfall(10_000, 20_000, 20_000), None);
        assert_eq!(shortfall(10_000, 10_000 + SPARE, 20_000), None);
    }

    #[test]
    fn a_short_limit_says_how_many_fit_and_what_to_run() {
        let warning = shortfall(10_000, 1024, 4096).expect("1,024 cannot hold 10,000");
        assert!(
            warning.contains("limit is 1024 (hard limit 4096)"),
            "{warning}"
        );
        assert!(warning.contains("about 960 connections fit"), "{warning}");
        assert!(warning.contains("ulimit -n 10064"), "{warning}");
    }

    #[test]
    fn raising_never_lowers_the_limit() {
        let (before, _) = rlimit::Resource::NOFILE.get().expect("read the limit");
        assert!(raise_open_files(10) >= before);
        let (after, _) = rlimit::Resource::NOFILE.get().expect("read the limit");
        assert!(after >= before);
    }
}
