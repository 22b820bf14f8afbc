//! Chapter 18: every core, with connections that stay open.
//!
//! Keep-alive and pipelining need no code here: webcore's `Session` decides them, and
//! chapter 15's connection already goes back to reading after an answer when the
//! session says so. This chapter adds what it takes to use every core:
//! - [`listen`]: one listening socket per loop on one port (`SO_REUSEPORT`), or one
//!   shared by all, to compare;
//! - [`loops`]: chapter 16's loop, once per core, on its own thread;
//! - [`processes`]: the same server as N processes on one port, supervised;
//! - [`file_cache`]: static files from memory, since a disk read per request would now
//!   cost more than the whole rest of the answer.
#![forbid(unsafe_code)]

pub mod file_cache;
pub mod listen;
pub mod loops;
pub mod processes;
