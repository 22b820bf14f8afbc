//! Chapter 15: one thread, many sockets. A readiness event loop written by hand on
//! mio: the loop never blocks on a socket, so ten thousand clients cost ten thousand
//! small table entries, not ten thousand threads.
//!
//! A library as well as a binary, because chapters 16 and 18 build on it instead of
//! copying it:
//! - [`connection`]: one client's non-blocking state machine, around webcore's
//!   `Session` (the HTTP side, shared with every other chapter);
//! - [`connections`]: the table of connections, the one done path (`settle`), and the
//!   accept loop;
//! - [`event_loop`]: this chapter's loop, with its coarse sweep and its flaw (`/cpu`
//!   on the loop's thread).
//!
//! `src/bin/echo-select.rs` is where the chapter starts: the seed course's select()
//! echo server, on mio.
#![forbid(unsafe_code)]

pub mod cli;
pub mod connection;
pub mod connections;
pub mod event_loop;
pub mod listen;
