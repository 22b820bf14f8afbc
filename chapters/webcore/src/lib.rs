//! `webcore`: the workbook's HTTP layer.
//!
//! Part I builds it one chapter at a time (05–08 as standalone programs, moved here in
//! chapter 09); every later chapter imports it. It turns bytes into a [`Request`] and a
//! [`Response`] into bytes, and never owns a socket except in [`connection`], the
//! blocking driver. That is what lets a blocking loop (chapters 10, 13, 14), a mio
//! event loop (15, 16) and tokio (17) share the very same parser, router and pages.
//!
//! See `DESIGN.md` next to this file for the map of modules.

#![forbid(unsafe_code)]

// ANCHOR: modules
pub mod accept;
pub mod cli;
pub mod connection;
pub mod echo;
pub mod error;
pub mod fd_limit;
pub mod files;
pub mod limits;
pub mod log;
pub mod pages;
pub mod parse;
pub mod ready;
pub mod refuse;
pub mod request;
pub mod response;
pub mod router;
pub mod serve;
pub mod session;
pub mod shutdown;
pub mod slow;
// ANCHOR_END: modules

pub use error::HttpError;
pub use limits::Limits;
pub use parse::{Parsed, parse_request};
pub use request::{Request, Version};
pub use response::{Response, Status};
pub use router::{Plan, Router};
