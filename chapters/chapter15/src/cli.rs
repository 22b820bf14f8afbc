//! The flags of an event-loop server: chapter 15's own, and the base that chapters 16
//! and 18 flatten into theirs.

use std::net::SocketAddr;

use mio::net::TcpListener;
use webcore::cli::{BacklogArgs, DrainArgs, ServerArgs, TimeoutArgs};

/// `--addr`, `--root`, `--idle-timeout`, `--drain-timeout`, `--backlog`.
#[derive(clap::Args, Debug, Clone)]
pub struct LoopArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub timeouts: TimeoutArgs,
    #[command(flatten)]
    pub drain: DrainArgs,
    #[command(flatten)]
    pub backlog: BacklogArgs,
}

impl LoopArgs {
    /// The non-blocking listener on `--addr`, and the address it really got (port 0
    /// becomes a real port). The error is the one line `main` prints.
    pub fn bind(&self) -> Result<(TcpListener, SocketAddr), String> {
        let addr = self.server.addr;
        let listener = crate::listen::bind(addr, self.backlog.backlog)
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let bound = listener
            .local_addr()
            .map_err(|e| format!("cannot read the bound address: {e}"))?;
        Ok((listener, bound))
    }
}
