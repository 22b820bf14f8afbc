//! The flags every server chapter shares, as clap `Args` to `#[command(flatten)]`.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// The workspace's `static/` folder, found from this crate's location at compile time
/// so `cargo run` works from any directory. As written it goes through
/// `chapters/webcore/../..`; [`default_root`] is the same folder without the detour.
pub const DEFAULT_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static");

/// [`DEFAULT_ROOT`] with its `..` worked out: `/…/workbook/static`, the path `--help`
/// shows as the default.
pub fn default_root() -> PathBuf {
    without_dot_dot(Path::new(DEFAULT_ROOT))
}

/// `a/b/../c` becomes `a/c`, on the text alone (no symlink is followed, nothing has to
/// exist). Right for a path built from a real directory plus `..`, as ours is.
fn without_dot_dot(path: &Path) -> PathBuf {
    let mut clean = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    clean
}

/// The folder to serve, checked once at start-up: `root` made canonical, because
/// `files::resolve` compares each file's real path against it. A file is refused: it
/// would be served at `/` in place of a site, which is never what was meant. A path
/// that does not exist is kept as given; every file under it is simply not found.
pub fn site_root(root: &Path) -> Result<PathBuf, String> {
    match root.canonicalize() {
        Ok(real) if real.is_dir() => Ok(real),
        Ok(_) => Err(format!(
            "--root {} is a file, not a folder: give the folder that holds the site",
            root.display()
        )),
        Err(_) => Ok(root.to_path_buf()),
    }
}

/// `--addr` and `--root`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServerArgs {
    /// Address to listen on; port 0 lets the system pick a free port.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080", value_parser = parse_addr)]
    pub addr: SocketAddr,
    /// Folder of the website to serve.
    #[arg(long, value_name = "DIR", default_value_os_t = default_root())]
    pub root: PathBuf,
}

/// `--idle-timeout`.
#[derive(clap::Args, Debug, Clone)]
pub struct TimeoutArgs {
    /// Seconds a client gets to send a whole request (on a kept-alive connection, the
    /// next one). The deadline bounds the whole request, not each read: a client
    /// dribbling one byte a second is cut off too.
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

    /// The connection options these flags set (one request per connection).
    pub fn connection_options(&self) -> crate::connection::ConnectionOptions {
        crate::connection::ConnectionOptions {
            idle_timeout: self.idle_timeout(),
            ..Default::default()
        }
    }
}

// ANCHOR: exit_code
/// The exit code for what `main` ran: 0, or 1 with one `error: …` line saying why (a
/// start-up step failed, or the listening socket broke). Errors travel up to `main` as
/// values; only `main` decides how the process ends.
pub fn exit_code(result: Result<(), String>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(why) => {
            // Whatever this thread buffered goes first (an event loop buffers its log
            // lines, and the line before the error is often why), then the error itself,
            // unbuffered: the process is about to end.
            crate::log::flush();
            use std::io::Write;
            let _ = writeln!(std::io::stderr().lock(), "error: {why}");
            std::process::ExitCode::FAILURE
        }
    }
}
// ANCHOR_END: exit_code

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

/// `--backlog`: the servers that take crowds (14 on).
#[derive(clap::Args, Debug, Clone)]
pub struct BacklogArgs {
    /// How many connections may wait to be accepted (capped by net.core.somaxconn).
    #[arg(long, value_name = "N", default_value_t = 4096)]
    pub backlog: i32,
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

    #[test]
    fn help_shows_the_default_root_without_dot_dot() {
        use clap::CommandFactory;
        let help = Args::command().render_long_help().to_string();
        let root = default_root();
        assert!(
            help.contains(&format!("[default: {}]", root.display())),
            "{help}"
        );
        assert!(!help.contains(".."), "{help}");
        assert!(root.ends_with("static") && root.join("index.html").is_file());
        assert_eq!(
            without_dot_dot(Path::new("/w/chapters/webcore/../../static")),
            Path::new("/w/static")
        );
    }

    #[test]
    fn a_file_is_no_site_root() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("index.html");
        std::fs::write(&file, "<h1>one page</h1>").unwrap();
        let why = site_root(&file).unwrap_err();
        assert!(why.contains("is a file, not a folder"), "{why}");
        assert!(!why.contains('\n'), "one line: {why}");
        assert_eq!(
            site_root(dir.path()).unwrap(),
            dir.path().canonicalize().unwrap()
        );
        let missing = dir.path().join("nothing here");
        assert_eq!(site_root(&missing).unwrap(), missing);
    }
}
