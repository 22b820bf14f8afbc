//! A process's CPU time, from Linux's `/proc/PID/stat`.
//!
//! Fields 14 (`utime`) and 15 (`stime`) are the CPU time the process has spent in user
//! and kernel mode, in clock ticks (`sysconf(_SC_CLK_TCK)`, 100 a second on Linux). Read
//! before and after a run, their difference is what the server spent serving it.

use std::time::Duration;

/// User and system CPU time, in clock ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTicks {
    pub user: u64,
    pub system: u64,
}

// ANCHOR: parse_stat
/// Takes `utime` and `stime` from one `/proc/PID/stat` line.
///
/// Field 2 is the program name in parentheses, and the name may itself contain spaces
/// and `)` (a program called `my server) 1`), so splitting the line on spaces from the
/// start goes wrong. The name ends at the *last* `)`: count fields from there.
pub fn parse_cpu_ticks(line: &str) -> Option<CpuTicks> {
    let after_name = &line[line.rfind(')')? + 1..];
    // After the name come field 3 (state), 4, 5, ...: field N is at index N - 3.
    let mut fields = after_name.split_whitespace().skip(14 - 3);
    let user = fields.next()?.parse().ok()?;
    let system = fields.next()?.parse().ok()?;
    Some(CpuTicks { user, system })
}
// ANCHOR_END: parse_stat

/// Reads the CPU ticks of process `pid`.
pub fn read_cpu_ticks(pid: u32) -> std::io::Result<CpuTicks> {
    read_stat(&format!("/proc/{pid}/stat"))
}

/// Reads the CPU ticks of this process (all its threads): what the generator itself costs.
pub fn read_cpu_ticks_of_self() -> std::io::Result<CpuTicks> {
    read_stat("/proc/self/stat")
}

fn read_stat(path: &str) -> std::io::Result<CpuTicks> {
    let line = std::fs::read_to_string(path)?;
    parse_cpu_ticks(&line).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{path}: unexpected format"),
        )
    })
}

/// Clock ticks per second. `getconf CLK_TCK` asks `sysconf(_SC_CLK_TCK)` for us without
/// `unsafe`; it is 100 on every Linux we know of, so that is the fallback.
pub fn ticks_per_second() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|text| text.trim().parse().ok())
            .filter(|&ticks| ticks > 0)
            .unwrap_or(100)
    })
}

/// CPU spent by a process during a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuUse {
    /// User plus system CPU time.
    pub seconds: f64,
    /// Of which in the kernel (system calls: accept, read, write, close...).
    pub system_seconds: f64,
    /// The run's wall-clock time: `seconds / wall` is the share of one core.
    pub wall: Duration,
}

impl CpuUse {
    pub fn between(before: CpuTicks, after: CpuTicks, wall: Duration) -> CpuUse {
        let per_second = ticks_per_second() as f64;
        let user = after.user.saturating_sub(before.user) as f64;
        let system = after.system.saturating_sub(before.system) as f64;
        CpuUse {
            seconds: (user + system) / per_second,
            system_seconds: system / per_second,
            wall,
        }
    }

    /// CPU microseconds per request: the cost of one request, whoever else shares the cores.
    pub fn micros_per_request(&self, requests: u64) -> f64 {
        self.seconds * 1e6 / requests.max(1) as f64
    }

    /// Busy share of one core over the run, in percent (200 % is two cores flat out).
    pub fn utilisation_percent(&self) -> f64 {
        100.0 * self.seconds / self.wall.as_secs_f64().max(1e-9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_line_whose_name_has_spaces_and_parentheses() {
        let line = "4242 (my server) (v2) R 1 4242 4242 0 -1 4194560 1234 0 0 0 \
                    731 58 0 0 20 0 3 0 123456 1000000 500 18446744073709551615";
        assert_eq!(
            parse_cpu_ticks(line),
            Some(CpuTicks {
                user: 731,
                system: 58
            })
        );
    }

    #[test]
    fn a_truncated_or_foreign_line_gives_none() {
        assert_eq!(parse_cpu_ticks("4242 (x) R 1 2 3"), None);
        assert_eq!(parse_cpu_ticks("no parenthesis here"), None);
        assert_eq!(parse_cpu_ticks("1 (x) R 1 1 1 0 -1 0 0 0 0 0 ten 5"), None);
    }

    #[test]
    fn reads_this_process() {
        let ticks = read_cpu_ticks_of_self().expect("/proc/self/stat on Linux");
        let again = read_cpu_ticks(std::process::id()).expect("/proc/PID/stat on Linux");
        assert!(again.user + again.system >= ticks.user + ticks.system);
        assert!(ticks_per_second() > 0);
    }

    #[test]
    fn cpu_use_per_request_and_utilisation() {
        let before = CpuTicks {
            user: 100,
            system: 50,
        };
        let after = CpuTicks {
            user: 150,
            system: 100,
        };
        let usage = CpuUse::between(before, after, Duration::from_secs(2));
        let ticks = ticks_per_second() as f64;
        assert!((usage.seconds - 100.0 / ticks).abs() < 1e-9);
        assert!((usage.micros_per_request(10_000) - usage.seconds * 100.0).abs() < 1e-6);
        assert!((usage.utilisation_percent() - 50.0 * usage.seconds).abs() < 1e-6);
    }
}
