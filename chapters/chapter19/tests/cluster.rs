//! `cluster/run.sh`: chapter-18 servers behind nginx start as one site, answer through
//! nginx in turn, and are all gone after `run.sh stop` or a SIGTERM.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use testkit::http;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/cluster/run.sh");

/// How long the script may take to start its servers and nginx.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Chapter 18's binary, built into the same target folder by `cargo test --workspace`
/// (or `cargo build -p chapter18`). `None`, after one line saying why, when the binary
/// or nginx is missing, except in CI, which builds and installs both.
fn prerequisites() -> Option<PathBuf> {
    let chapter18 = Path::new(env!("CARGO_BIN_EXE_chat")).with_file_name("chapter18");
    let nginx = Command::new("nginx")
        .arg("-v")
        .output()
        .is_ok_and(|out| out.status.success());
    let missing = if !nginx {
        "apt-get install -y nginx-light"
    } else if !chapter18.is_file() {
        "cargo build -p chapter18 (with the same CARGO_TARGET_DIR)"
    } else {
        return Some(chapter18);
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "the cluster test needs: {missing}; CI must provide it (.ci/run)"
    );
    eprintln!("note: skipped: {missing} to run the cluster test");
    None
}

/// `run.sh 2` in a process group of its own: dropping it stops the whole group, so a
/// failing test leaves neither nginx nor a server behind.
struct Cluster {
    child: Child,
    /// nginx's address, from the ready line.
    addr: SocketAddr,
    /// The chapter-18 servers' addresses, from the ready line.
    servers: Vec<SocketAddr>,
    /// The script's folder for its pid file: one per test, so tests run side by side.
    state: tempfile::TempDir,
    stderr: Arc<Mutex<String>>,
}

impl Cluster {
    fn start(chapter18: &Path) -> Cluster {
        let state = tempfile::tempdir().expect("a state folder");
        let mut child = Command::new("bash")
            .args([SCRIPT, "2"])
            .env("CHAPTER18", chapter18)
            .env("SERVER_FLAGS", "--threads 1")
            .env("CLUSTER_STATE", state.path())
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cluster/run.sh");
        // Drained all along, so a chatty process never blocks on a full pipe.
        let stderr = testkit::drain_to_string(child.stderr.take().expect("stderr is piped"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_default();
        let addr = testkit::ready_address(&line);
        // `... chapter18 servers: 127.0.0.1:A 127.0.0.1:B)`
        let servers: Vec<SocketAddr> = line
            .rsplit(": ")
            .next()
            .unwrap_or_default()
            .trim_end()
            .trim_end_matches(')')
            .split(' ')
            .filter_map(|a| a.parse().ok())
            .collect();
        let mut cluster = Cluster {
            child,
            addr: addr.unwrap_or_else(|| ([127, 0, 0, 1], 0).into()),
            servers,
            state,
            stderr,
        };
        assert!(
            addr.is_some() && cluster.servers.len() == 2,
            "no ready line naming nginx and two servers: {line:?}\n{}",
            cluster.output()
        );
        cluster
    }

    fn output(&mut self) -> String {
        let _ = self.child.try_wait();
        format!(
            "script stderr:\n{}",
            self.stderr.lock().expect("no panics while held")
        )
    }

    /// Asserts the script exits 0 within 10 s, then that no process of its group is
    /// left and no port of the cluster still listens.
    fn assert_all_gone(&mut self) {
        let exited = testkit::wait_until(Duration::from_secs(10), || {
            matches!(self.child.try_wait(), Ok(Some(_)))
        });
        let status = self.child.try_wait().ok().flatten();
        assert!(
            exited && status.is_some_and(|s| s.success()),
            "run.sh did not exit 0 within 10 s: {status:?}\n{}",
            self.output()
        );
        let group = self.child.id().to_string();
        let left_over = || {
            let out = Command::new("pgrep")
                .args(["-g", &group])
                .output()
                .expect("pgrep is on PATH (procps)");
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        };
        // The script waits for every process it started before it exits: nothing may
        // be left by then.
        assert_eq!(left_over(), "", "processes left in the cluster's group");
        for addr in std::iter::once(self.addr).chain(self.servers.iter().copied()) {
            assert!(
                TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
                "{addr} still accepts after the stop"
            );
        }
        assert!(
            !self.state.path().join("run.pid").exists(),
            "the pid file is left behind"
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Once the script is reaped, its number may belong to someone else's group.
        if !matches!(self.child.try_wait(), Ok(None)) {
            return;
        }
        // The script's own clean-up first; the whole group is killed if that hangs.
        let group = format!("-{}", self.child.id());
        let kill = |signal: &str| {
            let _ = Command::new("kill")
                .args([signal, "--", &group])
                .stderr(Stdio::null())
                .status();
        };
        kill("-TERM");
        let stopped = testkit::wait_until(Duration::from_secs(5), || {
            matches!(self.child.try_wait(), Ok(Some(_)))
        });
        if !stopped {
            kill("-KILL");
        }
        let _ = self.child.wait();
    }
}

/// GET / through nginx, four times: a chapter-18 page each time, from both servers.
fn assert_nginx_serves_chapter18(cluster: &mut Cluster) {
    let mut upstreams = Vec::new();
    for _ in 0..4 {
        let response = http::get(cluster.addr, "/").unwrap_or_else(|e| {
            panic!("GET / through nginx: {e}\n{}", cluster.output());
        });
        assert_eq!(response.status, 200, "{response:?}");
        // nginx passes the server's own headers on, and says which server it asked.
        assert_eq!(
            response.header("Server"),
            Some("homebrew-workbook"),
            "{response:?}"
        );
        let upstream = response.header("X-Upstream").map(str::to_string);
        upstreams.push(upstream.expect("nginx names the upstream"));
    }
    upstreams.sort();
    upstreams.dedup();
    let mut servers: Vec<String> = cluster.servers.iter().map(|a| a.to_string()).collect();
    servers.sort();
    assert_eq!(
        upstreams, servers,
        "requests should go to the two servers in turn"
    );
}

#[test]
fn nginx_answers_for_two_chapter18_servers_until_run_sh_stop() {
    let Some(chapter18) = prerequisites() else {
        return;
    };
    let mut cluster = Cluster::start(&chapter18);
    assert_nginx_serves_chapter18(&mut cluster);
    let stop = Command::new("bash")
        .args([SCRIPT, "stop"])
        .env("CLUSTER_STATE", cluster.state.path())
        .output()
        .expect("run.sh stop");
    assert!(
        stop.status.success(),
        "run.sh stop: {}",
        String::from_utf8_lossy(&stop.stderr)
    );
    cluster.assert_all_gone();
}

#[test]
fn sigterm_stops_nginx_and_every_server() {
    let Some(chapter18) = prerequisites() else {
        return;
    };
    let mut cluster = Cluster::start(&chapter18);
    assert_nginx_serves_chapter18(&mut cluster);
    let status = Command::new("kill")
        .args(["-TERM", &cluster.child.id().to_string()])
        .status()
        .expect("the kill command");
    assert!(status.success());
    cluster.assert_all_gone();
}
