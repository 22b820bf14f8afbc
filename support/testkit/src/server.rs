//! Start a chapter binary as a real process and talk to it over TCP.
//!
//! Every chapter prints a ready line containing `http://HOST:PORT` once its socket
//! listens (see CONTRACT.md). We start the binary with `--addr 127.0.0.1:0`, wait for
//! that line (never sleep), and from then on drain its output in the background so a
//! chatty server can never block on a full pipe.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// How long a binary may take to print its ready line. Generous: under `cargo test`
/// on two cores, many servers start at once.
pub const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// A running chapter binary. Dropping it kills the process, so a failing test never
/// leaves a server behind.
pub struct Server {
    child: Child,
    addr: SocketAddr,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `bin` with `args` plus `--addr 127.0.0.1:0` (unless `args` already names
    /// an address) and waits for its ready line.
    ///
    /// Panics with the server's own output when it exits or stays silent instead.
    pub fn start(bin: &str, args: &[&str]) -> Server {
        Self::try_start(bin, args).unwrap_or_else(|message| panic!("{message}"))
    }

    /// Like [`Server::start`], but returns what went wrong instead of panicking.
    pub fn try_start(bin: &str, args: &[&str]) -> Result<Server, String> {
        let mut command = Command::new(bin);
        if !args.contains(&"--addr") {
            command.args(["--addr", "127.0.0.1:0"]);
        }
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .map_err(|e| format!("could not start {bin}: {e}"))?;

        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        let child_stdout = child.stdout.take().expect("stdout was piped above");
        let child_stderr = child.stderr.take().expect("stderr was piped above");
        drain_lines(child_stdout, Arc::clone(&stdout), Some(ready_tx));
        drain_lines(child_stderr, Arc::clone(&stderr), None);

        let describe = |stdout: &Arc<Mutex<String>>, stderr: &Arc<Mutex<String>>| {
            format!(
                "stdout:\n{}\nstderr:\n{}",
                lock(stdout).as_str(),
                lock(stderr).as_str()
            )
        };
        match ready_rx.recv_timeout(READY_TIMEOUT) {
            Ok(addr) => Ok(Server {
                child,
                addr,
                stdout,
                stderr,
            }),
            Err(_) => {
                let status = child.try_wait().ok().flatten();
                let _ = child.kill();
                let _ = child.wait();
                Err(format!(
                    "{bin} {args:?} printed no ready line within {READY_TIMEOUT:?} (exit status: {status:?})\n{}",
                    describe(&stdout, &stderr)
                ))
            }
        }
    }

    /// The address the server actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The process id, for `/proc/PID/...` or for sending a signal.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the server wrote to stdout so far.
    pub fn stdout(&self) -> String {
        lock(&self.stdout).clone()
    }

    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        lock(&self.stderr).clone()
    }

    /// Both outputs, for a failure message.
    pub fn output(&self) -> String {
        format!(
            "--- server stdout ---\n{}--- server stderr ---\n{}",
            self.stdout(),
            self.stderr()
        )
    }

    /// Sends a signal by name (`"TERM"`, `"INT"`) with the system's `kill` command.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("the `kill` command should be on PATH");
        assert!(status.success(), "kill -{name} {} failed", self.pid());
    }

    /// Waits up to `timeout` for the process to exit by itself.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits up to `timeout` for the process to exit and asserts it exited with status
    /// 0: the clean stop SIGINT and SIGTERM must lead to (CONTRACT.md). Panics with the
    /// server's output otherwise.
    pub fn assert_exits_cleanly(&mut self, timeout: Duration) {
        let status = self.wait_exit(timeout);
        assert!(
            status.is_some_and(|s| s.success()),
            "{status:?}\n{}",
            self.output()
        );
    }

    /// The server's user + system CPU time so far, in clock ticks (`/proc/PID/stat`
    /// fields 14 and 15, counted after the `)` that ends the program's name, which
    /// may itself hold spaces).
    pub fn cpu_ticks(&self) -> u64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        let after_name = stat.rsplit(')').next().unwrap_or_default();
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let field = |n: usize| {
            fields
                .get(n)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        field(11) + field(12)
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Polls `condition` on the server's combined output until it holds or `timeout`
    /// passes. Returns whether it held.
    pub fn wait_for_output(&self, timeout: Duration, condition: impl Fn(&str) -> bool) -> bool {
        crate::wait_until(timeout, || {
            condition(&self.stdout()) || condition(&self.stderr())
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies lines from a child's pipe into `sink` until the pipe closes. The first line
/// that holds an `http://HOST:PORT` address is also sent on `ready`.
/// Collects everything `pipe` says into a string, on a thread of its own, so a chatty
/// child process never blocks on a full pipe. For tests that start processes of their
/// own (a Redis server, a script); [`Server`] does this for a chapter's binary.
pub fn drain_to_string(pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let sink = Arc::new(Mutex::new(String::new()));
    drain_lines(pipe, Arc::clone(&sink), None);
    sink
}

fn drain_lines(
    pipe: impl Read + Send + 'static,
    sink: Arc<Mutex<String>>,
    mut ready: Option<mpsc::Sender<SocketAddr>>,
) {
    thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut raw_line = Vec::new();
        loop {
            raw_line.clear();
            // Bytes, not `read_line`: a server may print bytes that are not UTF-8 (chapter
            // 01 prints what the client sent), and that must not stop the draining.
            match reader.read_until(b'\n', &mut raw_line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let line = String::from_utf8_lossy(&raw_line);
            lock(&sink).push_str(&line);
            if let Some(addr) = ready.as_ref().and_then(|_| ready_address(&line)) {
                let sender = ready.take().expect("checked by and_then above");
                let _ = sender.send(addr);
            }
        }
    });
}

/// Finds `http://HOST:PORT` in a ready line.
pub fn ready_address(line: &str) -> Option<SocketAddr> {
    let start = line.find("http://")? + "http://".len();
    let rest = &line[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn lock(buffer: &Mutex<String>) -> std::sync::MutexGuard<'_, String> {
    // A drain thread cannot panic while holding the lock, but if one ever did, the text
    // it gathered is still worth showing.
    buffer
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::ready_address;

    #[test]
    fn finds_the_address_in_a_ready_line() {
        assert_eq!(
            ready_address("Listening on http://127.0.0.1:4321\n"),
            Some("127.0.0.1:4321".parse().unwrap())
        );
        assert_eq!(
            ready_address("serving http://127.0.0.1:80/ now"),
            Some("127.0.0.1:80".parse().unwrap())
        );
        assert_eq!(ready_address("no address here"), None);
    }
}
