//! What a server costs the machine, read from Linux's `/proc`: CPU time, memory, threads
//! and open files, for the server's process *and every process it started*.
//!
//! Most servers here are one process, but nginx is a master and two workers, and
//! chapter 18 can run `--processes N`: reading the first process alone would find nginx
//! nearly idle while its workers do all the work. So every figure is summed over the
//! process tree, found by following each process's parent id (field 4 of
//! `/proc/PID/stat`).

use std::collections::HashMap;
use std::fs;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

/// One reading of a process tree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// User plus system CPU, in clock ticks: of the live processes, plus what their
    /// children that already exited spent (`cutime`, `cstime`).
    pub cpu_ticks: u64,
    /// Resident memory (`VmRSS`), in KiB. Pages that processes share (nginx's workers
    /// share their code with the master) count once per process, as `ps` counts them.
    pub rss_kib: u64,
    /// Threads (`Threads:` in `/proc/PID/status`).
    pub threads: u64,
    /// Open file descriptors: every connection holds one.
    pub fds: u64,
}

/// The fields of `/proc/PID/stat` we need: (parent id, CPU ticks of the process and of
/// its reaped children).
fn stat(pid: u32) -> Option<(u32, u64)> {
    let line = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The program name (field 2) may hold spaces and `)`: count fields after the last `)`.
    let fields: Vec<&str> = line[line.rfind(')')? + 1..].split_whitespace().collect();
    // Field N is at index N - 3: ppid is 4, utime 14, stime 15, cutime 16, cstime 17.
    let number = |n: usize| fields.get(n - 3)?.parse::<u64>().ok();
    let ppid = u32::try_from(number(4)?).ok()?;
    let ticks = number(14)? + number(15)? + number(16)? + number(17)?;
    Some((ppid, ticks))
}

/// `root` and every process descended from it.
pub fn tree(root: u32) -> Vec<u32> {
    let mut parents: HashMap<u32, u32> = HashMap::new();
    if let Ok(entries) = fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
                continue;
            };
            if let Some((ppid, _)) = stat(pid) {
                parents.insert(pid, ppid);
            }
        }
    }
    let mut found = vec![root];
    // Breadth first: children of everything found so far, until nothing new turns up.
    let mut next = 0;
    while next < found.len() {
        let parent = found[next];
        found.extend(
            parents
                .iter()
                .filter(|&(_, &ppid)| ppid == parent)
                .map(|(&pid, _)| pid),
        );
        next += 1;
    }
    found
}

// ANCHOR: usage
/// CPU, memory, threads and open files of `pids`, summed.
pub fn usage(pids: &[u32]) -> Usage {
    let mut total = Usage::default();
    for &pid in pids {
        // A process that exited meanwhile simply adds nothing.
        if let Some((_, ticks)) = stat(pid) {
            total.cpu_ticks += ticks;
        }
        if let Ok(status) = fs::read_to_string(format!("/proc/{pid}/status")) {
            total.rss_kib += status_field(&status, "VmRSS:");
            total.threads += status_field(&status, "Threads:");
        }
        if let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) {
            total.fds += fds.count() as u64;
        }
    }
    total
}
// ANCHOR_END: usage

/// The number at the start of a `Name:   value [kB]` line of `/proc/PID/status`.
fn status_field(status: &str, name: &str) -> u64 {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// How many times, since boot, a connection arrived at a full accept queue (the
/// listen backlog) and the kernel dropped it: `ListenOverflows` in `/proc/net/netstat`.
/// The client's kernel then resends its SYN after 1 s, 3 s, 7 s, 15 s, 31 s: a server
/// slow to accept turns into seconds of latency before it has seen the client at all.
/// The count covers the whole machine; read it just before and after a run.
pub fn listen_overflows() -> Option<u64> {
    let netstat = fs::read_to_string("/proc/net/netstat").ok()?;
    let mut tcp_ext = netstat.lines().filter(|l| l.starts_with("TcpExt:"));
    let (names, values) = (tcp_ext.next()?, tcp_ext.next()?);
    let at = names
        .split_whitespace()
        .position(|n| n == "ListenOverflows")?;
    values.split_whitespace().nth(at)?.parse().ok()
}

/// The most a server held at once during a run, from readings every [`Sampler::EVERY`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Peaks {
    pub rss_kib: u64,
    pub threads: u64,
    pub fds: u64,
    /// Resident memory at the reading with the most open files: with `fds`, what the
    /// connections open at that moment cost.
    pub rss_kib_at_most_fds: u64,
}

/// Reads a process tree's usage in the background until stopped, keeping the peaks.
#[derive(Debug)]
pub struct Sampler {
    stop: Arc<AtomicBool>,
    handle: thread::JoinHandle<Peaks>,
}

impl Sampler {
    /// How often: often enough to catch a burst of ten thousand connections that lasts
    /// a second, rarely enough that reading `/proc` costs the shared cores next to nothing.
    pub const EVERY: Duration = Duration::from_millis(100);

    pub fn start(root: u32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = thread::spawn(move || {
            let mut peaks = Peaks::default();
            let mut pids = tree(root);
            let mut readings = 0u32;
            while !flag.load(Ordering::Relaxed) {
                // A server may start processes late (nginx restarts a dead worker).
                readings += 1;
                if readings.is_multiple_of(10) {
                    pids = tree(root);
                }
                let now = usage(&pids);
                peaks.rss_kib = peaks.rss_kib.max(now.rss_kib);
                peaks.threads = peaks.threads.max(now.threads);
                if now.fds > peaks.fds {
                    peaks.fds = now.fds;
                    peaks.rss_kib_at_most_fds = now.rss_kib;
                }
                thread::sleep(Sampler::EVERY);
            }
            peaks
        });
        Sampler { stop, handle }
    }

    /// Stops reading and returns the peaks (all zero if the reading thread panicked).
    pub fn finish(self) -> Peaks {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_cpu_memory_threads_and_files() {
        let me = std::process::id();
        let now = usage(&[me]);
        assert!(
            now.rss_kib > 0 && now.threads >= 1 && now.fds >= 3,
            "{now:?}"
        );
        assert_eq!(tree(me)[0], me);
    }

    #[test]
    fn the_tree_holds_a_child_we_started() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .expect("run sleep");
        let pids = tree(std::process::id());
        let _ = child.kill();
        let _ = child.wait();
        assert!(pids.contains(&child.id()), "{pids:?}");
    }

    #[test]
    fn listen_overflows_are_counted() {
        assert!(
            listen_overflows().is_some(),
            "no TcpExt ListenOverflows in /proc/net/netstat"
        );
    }

    #[test]
    fn status_fields_are_read_by_name() {
        let status = "Name:\tx\nThreads:\t7\nVmRSS:\t   1234 kB\n";
        assert_eq!(status_field(status, "VmRSS:"), 1234);
        assert_eq!(status_field(status, "Threads:"), 7);
        assert_eq!(status_field(status, "VmHWM:"), 0);
    }
}
