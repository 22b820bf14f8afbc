//! The flags chapter 16 adds, shared with chapter 18 (which runs several loops).

use crate::event_loop::Limits;

/// `--max-connections`, `--max-output-mib`, `--cpu-threads`.
#[derive(clap::Args, Debug, Clone)]
pub struct LimitArgs {
    /// Open connections at most (over all event loops); further clients wait in the
    /// backlog until one closes.
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,
    /// Unsent response bytes (in MiB, over all connections) above which no new answer
    /// is started until slow readers catch up.
    #[arg(long, value_name = "MIB", default_value_t = 256,
          value_parser = clap::value_parser!(u64).range(1..=65536))]
    pub max_output_mib: u64,
    /// Worker threads for CPU-bound requests (/cpu) [default: one per core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub cpu_threads: Option<u64>,
}

impl LimitArgs {
    /// Each of `loops` event loops' share of the limits, and of the CPU workers.
    pub fn per_loop(&self, loops: usize) -> (Limits, usize) {
        let loops = loops.max(1);
        let whole = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let limits = Limits {
            max_connections: whole(self.max_connections).div_ceil(loops),
            max_output_bytes: whole(self.max_output_mib.saturating_mul(1024 * 1024))
                .div_ceil(loops),
        };
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let cpu_threads = self.cpu_threads.map_or(cores, whole).div_ceil(loops);
        (limits, cpu_threads)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Args {
        #[command(flatten)]
        limits: LimitArgs,
    }

    #[test]
    fn two_loops_share_the_limits() {
        let args = Args::parse_from(["x", "--max-connections", "9", "--cpu-threads", "4"]);
        let (limits, cpu) = args.limits.per_loop(2);
        assert_eq!(limits.max_connections, 5);
        assert_eq!(limits.max_output_bytes, 128 * 1024 * 1024);
        assert_eq!(cpu, 2);
        assert!(Args::try_parse_from(["x", "--max-connections", "0"]).is_err());
    }
}
