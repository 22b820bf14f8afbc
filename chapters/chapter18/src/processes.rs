//! `--processes N`: the seed's "one daemon per CPU". The same server, N times, as N
//! processes on one port. This process only starts them, passes signals on, and starts
//! another when one dies.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use webcore::log;
use webcore::shutdown::Shutdown;

/// How often the supervisor looks at its workers when no signal comes.
const LOOK_EVERY: Duration = Duration::from_millis(200);

// ANCHOR: supervise
/// Starts `count` copies of this program on `addr` (each runs its own event loops with
/// the flags in `worker_args`), announces the address once all of them listen, and
/// stays until SIGINT/SIGTERM, which it passes on. A worker that dies is replaced: a
/// crash in one process costs only the connections that process held.
pub fn supervise(count: usize, addr: SocketAddr, worker_args: &[String]) -> Result<(), String> {
    // Hold the port while the workers start, so a port 0 becomes one real port for all.
    let holder = crate::listen::bind_reuseport(addr, 1)
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let addr = holder
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let mut workers = Vec::new();
    for n in 0..count {
        workers.push(start_worker(n, addr, worker_args)?);
    }
    // Our own socket would get its share of clients and never accept them: close it
    // before anyone is told where to connect.
    drop(holder);
    let (wake, woken) = mpsc::channel();
    let shutdown = Shutdown::on_signal(move || {
        let _ = wake.send(());
    })
    .map_err(|e| format!("cannot catch SIGINT/SIGTERM: {e}"))?;
    webcore::ready::announce(addr);
    while !shutdown.is_requested() {
        let _ = woken.recv_timeout(LOOK_EVERY);
        for (n, worker) in workers.iter_mut().enumerate() {
            if shutdown.is_requested() {
                break;
            }
            if let Ok(Some(status)) = worker.try_wait() {
                log::event(
                    "supervisor",
                    &format!("worker {n} exited ({status}); starting another"),
                );
                *worker = start_worker(n, addr, worker_args)?;
            }
        }
    }
    stop_all(workers)
}
// ANCHOR_END: supervise

/// Starts worker `n` and waits for its ready line: then it is accepting.
fn start_worker(n: usize, addr: SocketAddr, worker_args: &[String]) -> Result<Child, String> {
    let program = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let mut child = Command::new(program)
        .args(worker_args)
        .args(["--processes", "1", "--worker", "--addr", &addr.to_string()])
        .stdout(Stdio::piped())
        // Its own process group: a Ctrl-C in the terminal reaches only us, and we pass
        // it on once. Otherwise each worker would see it twice, and a second signal
        // means "exit now".
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start worker {n}: {e}"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| format!("worker {n} has no stdout"))?;
    let mut line = String::new();
    let read = BufReader::new(stdout).read_line(&mut line);
    if read.is_err() || !line.starts_with("Listening on ") {
        let _ = child.kill();
        let _ = child.wait();
        return Err(format!("worker {n} did not start (it said {line:?})"));
    }
    log::event(
        "supervisor",
        &format!("worker {n} is process {}", child.id()),
    );
    Ok(child)
}

/// In a worker: ask the kernel for SIGTERM when the supervisor dies.
pub fn stop_with_supervisor() -> Result<(), String> {
    nix::sys::prctl::set_pdeathsig(Signal::SIGTERM)
        .map_err(|e| format!("cannot follow the supervisor: {e}"))?;
    // It may have died before we asked; then we were handed to init.
    if nix::unistd::getppid() == Pid::from_raw(1) {
        return Err("the supervisor is gone".into());
    }
    Ok(())
}

/// Passes SIGTERM to every worker and waits for each; fails if any did not exit 0.
fn stop_all(workers: Vec<Child>) -> Result<(), String> {
    for worker in &workers {
        let pid = Pid::from_raw(i32::try_from(worker.id()).unwrap_or(i32::MAX));
        let _ = kill(pid, Signal::SIGTERM);
    }
    let mut failed = Vec::new();
    for (n, mut worker) in workers.into_iter().enumerate() {
        match worker.wait() {
            Ok(status) if status.success() => {}
            Ok(status) => failed.push(format!("worker {n}: {status}")),
            Err(e) => failed.push(format!("worker {n}: {e}")),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "workers did not stop cleanly: {}",
            failed.join(", ")
        ))
    }
}
