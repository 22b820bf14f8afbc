//! Plain `cargo test`: the solution passes, the untouched starter fails, and the checks
//! catch the mistakes chapter 17 warns about.

use std::sync::Arc;

use ch17_semaphore_cap::given::{BUSY, echo};
use ch17_semaphore_cap::{Implementation, ServeFuture, exercise};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

#[test]
fn solution_passes_and_untouched_starter_fails() {
    exercise_harness::verify(&exercise(), env!("CARGO_BIN_EXE_ch17-semaphore-cap"));
}

/// Wrong on purpose: the cap works, but a client past it gets `busy` written and the
/// socket dropped with the client's first line unread, so the kernel resets the
/// connection and the client never reads `busy`.
async fn serve_closing_over_unread_bytes(listener: TcpListener, max_connections: usize) {
    let permits = Arc::new(Semaphore::new(max_connections));
    loop {
        let Ok((stream, _peer)) = listener.accept().await else {
            continue;
        };
        match Arc::clone(&permits).try_acquire_owned() {
            Ok(permit) => {
                tokio::spawn(async move {
                    echo(stream).await;
                    drop(permit);
                });
            }
            Err(_) => {
                let _ = stream.try_write(BUSY);
            }
        }
    }
}

fn closing_over_unread_bytes(listener: TcpListener, max: usize) -> ServeFuture {
    Box::pin(serve_closing_over_unread_bytes(listener, max))
}

/// Wrong on purpose: the permit is taken and dropped at once, so it limits nothing.
async fn serve_dropping_the_permit(listener: TcpListener, max_connections: usize) {
    let permits = Arc::new(Semaphore::new(max_connections));
    loop {
        let Ok((stream, _peer)) = listener.accept().await else {
            continue;
        };
        if Arc::clone(&permits).try_acquire_owned().is_ok() {
            tokio::spawn(echo(stream));
        } else {
            let _ = stream.try_write(BUSY);
        }
    }
}

fn dropping_the_permit(listener: TcpListener, max: usize) -> ServeFuture {
    Box::pin(serve_dropping_the_permit(listener, max))
}

#[test]
fn the_checks_catch_busy_closed_over_an_unread_line() {
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "`busy` written and the stream dropped with the client's line unread",
        Implementation {
            serve: closing_over_unread_bytes,
        },
    );
    assert_eq!(
        caught,
        vec!["a client past the cap that has already spoken still reads `busy`"]
    );
}

#[test]
fn the_checks_catch_a_permit_dropped_at_once() {
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "the permit dropped right after try_acquire_owned, not moved into the task",
        Implementation {
            serve: dropping_the_permit,
        },
    );
    assert!(
        caught.contains(&"the fourth client under a cap of 3 gets `busy` and a close"),
        "{caught:?}"
    );
}
