//! Reference solution for ch17-timeout-head.

use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::given::HeadError;

/// Reads until the head's blank line; returns every byte read.
pub async fn read_head(stream: &mut TcpStream, limit: Duration) -> Result<Vec<u8>, HeadError> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    // The async block is the whole loop; `timeout` cancels it wherever it is when the
    // time is up, however many bytes trickled in before.
    let reading = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut chunk).await {
                Ok(0) => return Err(HeadError::Closed),
                Ok(n) => head.extend_from_slice(&chunk[..n]),
                Err(e) => return Err(HeadError::Io(e.to_string())),
            }
        }
        Ok(())
    };
    match timeout(limit, reading).await {
        Err(_elapsed) => Err(HeadError::TimedOut),
        Ok(Err(e)) => Err(e),
        Ok(Ok(())) => Ok(head),
    }
}
