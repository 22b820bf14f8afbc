//! Stopping cleanly on Ctrl-C (SIGINT) or `kill` (SIGTERM): stop accepting, finish
//! the request in flight, exit 0.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use crate::log;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// A flag that says "stop accepting". Clones share it.
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    requested: Arc<AtomicBool>,
}

impl Shutdown {
    /// A flag no signal sets (tests set it with [`Shutdown::request`]).
    pub fn new() -> Shutdown {
        Shutdown::default()
    }

    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Sets the flag.
    pub fn request(&self) {
        self.requested.store(true, Ordering::SeqCst);
    }

    // ANCHOR: install
    /// Sets the flag on SIGINT or SIGTERM and wakes the accept loop, which is most
    /// likely asleep in `accept()`: a flag alone would only be seen when the next
    /// client happens to connect. We wake it the simplest way there is: by connecting
    /// to our own listener. A second signal exits at once, for the impatient.
    pub fn install(listener: &TcpListener) -> io::Result<Shutdown> {
        let addr = listener.local_addr()?;
        Shutdown::on_signal(move || wake_accept(addr))
    }
    // ANCHOR_END: install

    /// Like [`Shutdown::install`], with your own way to wake the loop (a mio `Waker`,
    /// say, for an event loop that does not block in `accept`).
    pub fn on_signal(wake: impl Fn() + Send + 'static) -> io::Result<Shutdown> {
        let shutdown = Shutdown::new();
        let flag = shutdown.clone();
        // signal-hook's iterator does the unsafe part: the signal handler only writes
        // to a pipe, and this ordinary thread reads it and may do anything.
        let mut signals = Signals::new([SIGINT, SIGTERM])?;
        thread::spawn(move || {
            for signal in signals.forever() {
                let name = if signal == SIGINT {
                    "SIGINT"
                } else {
                    "SIGTERM"
                };
                if flag.is_requested() {
                    log::line(format_args!("{name} again: exiting now"));
                    std::process::exit(1);
                }
                // The log line first, then the flag and the wake-up. Once the loop is
                // woken, `main` may print its last line and exit within microseconds;
                // logging afterwards would race it, and the line could come after
                // "stopped", or never. (`log::line` ignores a failed write, so a closed
                // stderr cannot hold up the stop.)
                log::line(format_args!(
                    "{name}: no new connections; finishing the requests in flight"
                ));
                flag.request();
                wake();
            }
        });
        Ok(shutdown)
    }
}

/// Connects to `addr` and hangs up, so a thread blocked in `accept` on it returns.
pub fn wake_accept(addr: SocketAddr) {
    // A listener on 0.0.0.0 or [::] is reached through loopback.
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    // If this fails the listener is already gone, which is what we wanted anyway.
    let _ = TcpStream::connect_timeout(&SocketAddr::new(ip, addr.port()), Duration::from_secs(1));
}
