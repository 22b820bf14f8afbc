//! SIGINT and SIGTERM, turned into a value every task can watch.

use std::io;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

// ANCHOR: signals
/// Catches SIGINT and SIGTERM from now on, and returns a receiver that turns `true`
/// on the first of them. Any number of tasks can clone the receiver and wait on it
/// (`wait_for(|stop| *stop)`): it is a cancellation token made of a `watch` channel.
/// A second signal exits at once with status 1, for the impatient.
///
/// Call it before printing the ready line: a script may send SIGTERM as soon as it
/// reads that line, and the signal must find our handler, not the default that kills.
pub fn on_signals() -> io::Result<watch::Receiver<bool>> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        for round in 0.. {
            let name = tokio::select! {
                _ = interrupt.recv() => "SIGINT",
                _ = terminate.recv() => "SIGTERM",
            };
            if round > 0 {
                webcore::log::line(format_args!("{name} again: exiting now"));
                std::process::exit(1);
            }
            webcore::log::line(format_args!(
                "{name}: no new connections; finishing the requests in flight"
            ));
            // `send` fails only when every receiver is gone: then no one is left to stop.
            let _ = stop.send(true);
        }
    });
    Ok(stopped)
}
// ANCHOR_END: signals

// ANCHOR: requested
/// Resolves once shutdown is requested (at once if it already is). Also when the
/// sender is gone: with no one left to give the signal, stopping is the safe reading.
pub async fn requested(shutdown: &mut watch::Receiver<bool>) {
    // `wait_for` hands back a read guard on the value; we only need the moment.
    let _ = shutdown.wait_for(|stop| *stop).await;
}
// ANCHOR_END: requested
