//! The flags every server chapter shares, as clap `Args` to `#[command(flatten)]`.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

/// The workspace's `static/` folder, found from this crate's location at compile time
/// so `cargo run` works from any directory.
pub const DEFAULT_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static");

/// `--addr` and `--root`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServerArgs {
    /// Address to listen on; port 0 lets the system pick a free port.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080", value_parser = parse_addr)]
    pub addr: SocketAddr,
    /// Folder of the website to serve.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_ROOT)]
    pub root: PathBuf,
}

/// `--idle-timeout`.
#[derive(clap::Args, Debug, Clone)]
pub struct TimeoutArgs {
    /// Seconds a client gets to send a whole request. The deadline bounds the whole
    /// request, not each read: a client dribbling one byte a second is cut off too.
    #[arg(
        long = "idle-timeout",
        value_name = "SECS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub idle_timeout_secs: u64,
}

impl TimeoutArgs {
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs)
    }
}

/// `--drain-timeout`: the servers that serve several connections at once (13 on).
#[derive(clap::Args, Debug, Clone)]
pub struct DrainArgs {
    /// After SIGINT/SIGTERM, how many seconds the requests in flight get to finish
    /// before the server exits anyway.
    #[arg(
        long = "drain-timeout",
        value_name = "SECS",
        default_value_t = 15,
        value_parser = clap::value_parser!(u64).range(0..=3600)
    )]
    pub drain_timeout_secs: u64,
}

impl DrainArgs {
    pub fn drain_timeout(&self) -> Duration {
        Duration::from_secs(self.drain_timeout_secs)
    }
}

/// Accepts `127.0.0.1:8080`, `[::1]:8080` and names like `localhost:8080`.
pub fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    text.to_socket_addrs()
        .map_err(|e| format!("not an address like 127.0.0.1:8080: {e}"))?
        .next()
        .ok_or_else(|| format!("{text} resolves to no address"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Args {
        #[command(flatten)]
        server: ServerArgs,
        #[command(flatten)]
        timeouts: TimeoutArgs,
    }

    #[test]
    fn defaults_and_bad_values() {
        let args = Args::try_parse_from(["x"]).unwrap();
        assert_eq!(args.server.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(args.timeouts.idle_timeout(), Duration::from_secs(10));
        assert!(args.server.root.join("index.html").is_file());
        let args =
            Args::try_parse_from(["x", "--addr", "localhost:0", "--idle-timeout", "1"]).unwrap();
        assert_eq!(args.server.addr.port(), 0);
        assert_eq!(args.timeouts.idle_timeout_secs, 1);
        assert!(Args::try_parse_from(["x", "--addr", "nonsense"]).is_err());
        assert!(Args::try_parse_from(["x", "--idle-timeout", "0"]).is_err());
        assert!(Args::try_parse_from(["x", "--idle-timeout", "soon"]).is_err());
    }
}
