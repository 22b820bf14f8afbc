//! Chapter 17: the server of chapters 15 and 16 again, written as tokio tasks.
//!
//! Each connection is an `async fn` that reads like chapter 10's blocking code: read
//! the head (under one deadline), answer, write, close. Every `.await` is a point where
//! the task may pause; tokio's reactor watches the socket or the timer it waits for,
//! and a worker thread resumes the task when it can go on. The readiness, the state
//! machine, the timers and the waker that chapters 15 and 16 wrote by hand are all
//! tokio's now.
//!
//! - [`listen`]: binding with a listen backlog big enough for 10,000 clients at once.
//! - [`shutdown`]: SIGINT/SIGTERM turned into a `watch` channel every task can look at.
//! - [`server`]: the accept loop, the connection cap, and the drain at shutdown.
//! - [`connection`]: one task per connection.
#![forbid(unsafe_code)]

pub mod connection;
pub mod listen;
pub mod server;
pub mod shutdown;
