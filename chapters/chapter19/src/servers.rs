//! Every server the comparison measures, and how to start and stop one.
//!
//! Three kinds: the chapters (Rust binaries of this workspace), the peers a reader knows
//! (the minimal servers and hyper from `bench/peers`, and nginx), and the seeds' Python
//! servers written anew in `chapters/chapter19/peers/`. Each prints the ready line
//! `Listening on http://ADDR` and takes `--addr`, except nginx, which is started from
//! `bench/nginx.conf.template` on a free port and is ready when that port answers.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long a server gets to print its ready line (or, for nginx, to answer).
const STARTUP: Duration = Duration::from_secs(15);
/// How long a server gets to exit after SIGTERM before it is killed.
const STOP: Duration = Duration::from_secs(3);

/// How a server is built and started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A chapter package: `target/release/chapterNN --root SITE`.
    Chapter,
    /// A binary of `bench/peers` (`minimal-mio`, `hyper-server`, ...).
    RustPeer,
    /// A script in `chapters/chapter19/peers/`, run by `python3`.
    Python,
    /// The system's nginx with `bench/nginx.conf.template`.
    Nginx,
}

/// One server of the comparison.
#[derive(Debug, Clone, Copy)]
pub struct Server {
    /// The name in tables and on the command line (`--servers chapter15,nginx`).
    pub name: &'static str,
    pub kind: Kind,
    /// The binary (Rust), the script (Python) or `nginx`.
    pub program: &'static str,
    /// How it serves clients at once, in a few words.
    pub model: &'static str,
    /// The Python server of the same model, for the chapters that have one.
    pub twin: Option<&'static str>,
    /// The minimal server of the same model: the least a server of this design can cost.
    pub floor: Option<&'static str>,
    /// Whether it has `/sleep?ms=N` (workload 3) and `/cpu?ms=N` (workload 5). The
    /// minimal peers answer every path with the same canned 1 KiB, and nginx and hyper
    /// serve files only: for them those workloads would measure a 404 or the canned answer.
    pub sleep: bool,
    pub cpu: bool,
}

const fn chapter(
    name: &'static str,
    model: &'static str,
    twin: Option<&'static str>,
    floor: Option<&'static str>,
    routes: bool,
) -> Server {
    Server {
        name,
        kind: Kind::Chapter,
        program: name,
        model,
        twin,
        floor,
        sleep: routes,
        cpu: routes,
    }
}

const fn peer(
    name: &'static str,
    kind: Kind,
    program: &'static str,
    model: &'static str,
) -> Server {
    let python = matches!(kind, Kind::Python);
    Server {
        name,
        kind,
        program,
        model,
        twin: None,
        floor: None,
        sleep: python,
        cpu: python,
    }
}

// ANCHOR: roster
/// Every server, grouped by model so that each chapter stands near its twin and its floor.
pub const ROSTER: &[Server] = &[
    chapter(
        "chapter10",
        "sequential",
        Some("py-sequential"),
        None,
        false,
    ),
    peer("py-sequential", Kind::Python, "sequential.py", "sequential"),
    chapter(
        "chapter13",
        "thread per connection",
        Some("py-threads"),
        Some("minimal-threads"),
        true,
    ),
    chapter(
        "chapter14",
        "thread pool",
        None,
        Some("minimal-threads"),
        true,
    ),
    peer(
        "minimal-threads",
        Kind::RustPeer,
        "minimal-threads",
        "thread per connection",
    ),
    peer(
        "py-threads",
        Kind::Python,
        "threads.py",
        "thread per connection",
    ),
    chapter(
        "chapter15",
        "event loop (mio)",
        None,
        Some("minimal-mio"),
        true,
    ),
    chapter(
        "chapter16",
        "event loop + CPU pool",
        None,
        Some("minimal-mio"),
        true,
    ),
    chapter(
        "chapter18",
        "event loop per core",
        None,
        Some("minimal-mio"),
        true,
    ),
    peer(
        "minimal-mio",
        Kind::RustPeer,
        "minimal-mio",
        "event loop (mio)",
    ),
    chapter(
        "chapter17",
        "tokio tasks",
        Some("py-asyncio"),
        Some("minimal-tokio"),
        true,
    ),
    peer(
        "minimal-tokio",
        Kind::RustPeer,
        "minimal-tokio",
        "tokio tasks",
    ),
    peer(
        "py-asyncio",
        Kind::Python,
        "asyncio_server.py",
        "asyncio event loop",
    ),
    peer("hyper", Kind::RustPeer, "hyper-server", "hyper on tokio"),
    peer("nginx", Kind::Nginx, "nginx", "worker processes"),
];
// ANCHOR_END: roster

/// The server called `name`.
pub fn find(name: &str) -> Option<&'static Server> {
    ROSTER.iter().find(|s| s.name == name)
}

/// Where things are: the built binaries, the Python peers, the site every server serves.
#[derive(Debug, Clone)]
pub struct Places {
    /// `target/release`, holding the chapters' and peers' binaries.
    pub bin_dir: PathBuf,
    /// The workspace (for `bench/nginx.conf.template` and `chapters/chapter19/peers/`).
    pub workspace: PathBuf,
    /// A scratch folder: the site (`SCRATCH/site`) and nginx's config and pid file.
    pub scratch: PathBuf,
}

impl Places {
    pub fn site(&self) -> PathBuf {
        self.scratch.join("site")
    }
}

/// Why a server cannot be measured on this machine, with the command that fixes it.
pub fn missing(server: &Server, places: &Places) -> Option<String> {
    match server.kind {
        Kind::Chapter | Kind::RustPeer => {
            let path = places.bin_dir.join(server.program);
            let package = if server.kind == Kind::Chapter {
                server.name
            } else {
                "peers"
            };
            (!path.is_file()).then(|| {
                format!(
                    "{}: not built ({} is missing): cargo build --release -p {package}",
                    server.name,
                    path.display()
                )
            })
        }
        Kind::Python => find_program("python3").is_none().then(|| {
            format!(
                "{}: python3 is not installed: apt-get install python3",
                server.name
            )
        }),
        Kind::Nginx => find_program("nginx")
            .is_none()
            .then(|| "nginx: not installed: apt-get install nginx-light".to_string()),
    }
}

/// `name` on the `PATH`, or in `/usr/sbin` (where Debian puts nginx, and a user's `PATH`
/// may not look).
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// A server started for one measurement. Dropping it stops it.
#[derive(Debug)]
pub struct Running {
    pub name: &'static str,
    child: Child,
    pub addr: SocketAddr,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Whether the server has exited on its own (crashed, or refused its flags).
    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            _ => None,
        }
    }

    /// Kills the whole tree at once (SIGKILL): for a run that must end now.
    pub fn kill_now(&mut self) {
        let pids = crate::usage::tree(self.pid());
        let _ = self.child.kill();
        signal_all(&pids[1..], "-KILL");
    }
}

impl Drop for Running {
    // ANCHOR: stop
    /// SIGTERM, then SIGKILL if it has not exited within [`STOP`]: every chapter drains
    /// and exits on SIGTERM (nginx too, and it stops its workers). The tree is read
    /// first, so a worker left behind by a master that died is killed by its own id.
    fn drop(&mut self) {
        let pids = crate::usage::tree(self.pid());
        signal_all(&pids[..1], "-TERM");
        let deadline = Instant::now() + STOP;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        signal_all(&pids[1..], "-KILL");
    }
    // ANCHOR_END: stop
}

/// Sends `signal` to each of `pids` with `kill(1)`: std can only SIGKILL its own child,
/// and a signal to a process that is already gone is harmless.
fn signal_all(pids: &[u32], signal: &str) {
    if pids.is_empty() {
        return;
    }
    let _ = Command::new("kill")
        .arg(signal)
        .args(pids.iter().map(u32::to_string))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Starts `server` on a free port of 127.0.0.1 and waits until it is ready.
pub fn start(server: &Server, places: &Places) -> Result<Running, String> {
    let site = places.site();
    let mut command = match server.kind {
        Kind::Chapter | Kind::RustPeer => Command::new(places.bin_dir.join(server.program)),
        Kind::Python => {
            let mut command = Command::new("python3");
            command.arg(
                places
                    .workspace
                    .join("chapters/chapter19/peers")
                    .join(server.program),
            );
            command
        }
        Kind::Nginx => return start_nginx(server, places),
    };
    command.args(["--addr", "127.0.0.1:0"]);
    // The minimal peers answer a canned 1 KiB and take no folder.
    if !server.program.starts_with("minimal-") {
        command.arg("--root").arg(&site);
    }
    // The servers log a line per request: real work the chapters do, kept, but not
    // read by anyone (reading it would cost the client's cores).
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command
        .spawn()
        .map_err(|e| format!("{}: cannot start {:?}: {e}", server.name, command))?;
    match ready_line(&mut child) {
        Ok(addr) => Ok(Running {
            name: server.name,
            child,
            addr,
        }),
        Err(why) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!("{}: {why}", server.name))
        }
    }
}

// ANCHOR: ready_line
/// Waits (at most [`STARTUP`]) for the line holding `http://ADDR` and returns ADDR. A
/// thread reads stdout, so the wait is bounded even if the server prints nothing; it
/// goes on reading after the ready line, so a chatty server never blocks on a full pipe.
fn ready_line(child: &mut Child) -> Result<SocketAddr, String> {
    let stdout = child.stdout.take().ok_or("no stdout to read")?;
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                let addr: String = line[at + 7..]
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '/')
                    .collect();
                let _ = tx.send(addr);
            }
        }
    });
    let deadline = Instant::now() + STARTUP;
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(addr) => {
                return addr
                    .parse()
                    .map_err(|_| format!("a ready line with a bad address: {addr:?}"));
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("exited before its ready line ({status})"));
        }
    }
    Err(format!("no ready line within {} s", STARTUP.as_secs()))
}
// ANCHOR_END: ready_line

/// What the runner changes in `bench/nginx.conf.template`: room for workload 4.
pub const NGINX_CONNECTIONS: &str = "worker_connections 10240;";

/// nginx from `bench/nginx.conf.template`, as `bench/keepalive.sh` starts it.
fn start_nginx(server: &Server, places: &Places) -> Result<Running, String> {
    let template_path = places.workspace.join("bench/nginx.conf.template");
    let template = std::fs::read_to_string(&template_path)
        .map_err(|e| format!("nginx: {}: {e}", template_path.display()))?;
    // nginx cannot bind port 0 and tell us: ask the kernel for a free port, then let it go.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("nginx: finding a free port: {e}"))?
        .port();
    let scratch = places.scratch.join(format!("nginx-{port}"));
    std::fs::create_dir_all(&scratch).map_err(|e| format!("nginx: {e}"))?;
    // The template lets each of its two workers hold 4,096 connections, plenty for
    // bench/keepalive.sh's 100; workload 4 opens 10,000 at once, and nginx closes what
    // it has no room for. Its workers inherit our raised open-files limit.
    let config = template
        .replace("worker_connections 4096;", NGINX_CONNECTIONS)
        .replace("@ROOT@", &places.site().to_string_lossy())
        .replace("@PORT@", &port.to_string())
        .replace("@SCRATCH@", &scratch.to_string_lossy());
    let config_path = scratch.join("nginx.conf");
    std::fs::write(&config_path, config).map_err(|e| format!("nginx: {e}"))?;
    let mut child = Command::new(find_program("nginx").unwrap_or_else(|| "nginx".into()))
        .args(["-e", "stderr", "-p"])
        .arg(&scratch)
        .arg("-c")
        .arg(&config_path)
        .args(["-g", "daemon off;"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("nginx: cannot start: {e}"))?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + STARTUP;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "nginx: exited at start ({status}); run it by hand: nginx -t -c {}",
                config_path.display()
            ));
        }
        // Ready once the port answers and both workers exist.
        let workers = crate::usage::tree(child.id()).len() - 1;
        if workers >= 2 && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(Running {
                name: server.name,
                child,
                addr,
            });
        }
        thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    Err(format!(
        "nginx: not answering on port {port} within {} s",
        STARTUP.as_secs()
    ))
}

/// Copies the site's front page into the scratch folder every server serves, readable
/// by anyone: nginx started as root serves as `nobody`.
pub fn prepare_site(places: &Places, static_dir: &Path) -> Result<(), String> {
    let site = places.site();
    std::fs::create_dir_all(&site).map_err(|e| format!("{}: {e}", site.display()))?;
    for name in ["index.html", "style.css", "script.js", "404.html"] {
        let from = static_dir.join(name);
        if from.is_file() {
            std::fs::copy(&from, site.join(name))
                .map_err(|e| format!("{}: {e}", from.display()))?;
        }
    }
    use std::os::unix::fs::PermissionsExt;
    for dir in [&places.scratch, &site] {
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_twin_and_floor_is_on_the_roster_once() {
        for server in ROSTER {
            let same_name = ROSTER.iter().filter(|s| s.name == server.name).count();
            assert_eq!(
                same_name, 1,
                "{} is on the roster {same_name} times",
                server.name
            );
            for other in [server.twin, server.floor].into_iter().flatten() {
                assert!(
                    find(other).is_some(),
                    "{}: {other} is not on the roster",
                    server.name
                );
            }
        }
    }
}
