//! Plain `cargo test`: the solution passes, the untouched starter fails, and the checks
//! catch the mistake chapter 14 warns about.

use std::io::Write;
use std::net::TcpStream;
use std::sync::mpsc::{SyncSender, TrySendError};

use ch14_full_queue_503::{Implementation, exercise};

#[test]
fn solution_passes_and_untouched_starter_fails() {
    exercise_harness::verify(&exercise(), env!("CARGO_BIN_EXE_ch14-full-queue-503"));
}

/// Wrong on purpose: answers 503 and closes without reading the request. The request
/// bytes left unread make the kernel reset the connection, and the client loses the 503.
fn hand_over_without_reading(queue: &SyncSender<TcpStream>, stream: TcpStream) -> bool {
    match queue.try_send(stream) {
        Ok(()) => true,
        Err(TrySendError::Full(mut stream)) => {
            let _ = stream.write_all(
                b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\
                  Content-Length: 0\r\nConnection: close\r\n\r\n",
            );
            false
        }
        Err(TrySendError::Disconnected(_)) => false,
    }
}

#[test]
fn the_checks_catch_a_503_closed_over_an_unread_request() {
    let caught = exercise_harness::verify_catches(
        &exercise(),
        "the 503 written and the socket closed with the request unread",
        Implementation {
            hand_over: hand_over_without_reading,
        },
    );
    assert_eq!(
        caught,
        vec!["a client that sent its request before being turned away still reads the 503"]
    );
}
