//! Past one process: the room's lines through Redis pub/sub. Every chat server
//! publishes the lines its clients type on one channel and subscribes to it; Redis
//! hands each publication to every subscriber, in the order it received them.

use std::io;
use std::time::Duration;

use futures_util::StreamExt;
use redis::AsyncCommands;
use redis::aio::{MultiplexedConnection, PubSubStream};
use tokio::sync::broadcast;

use crate::room::{Said, Speaker};

/// How long connecting and subscribing may take before we give up starting.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// What `connect` gives the server: a way to publish, and the lines that arrive.
pub struct Broker {
    pub publisher: Publisher,
    pub messages: PubSubStream,
}

/// Publishes on the room's channel. Cloning it is cheap: every clone shares one
/// connection, which carries the publications of all the tasks, in turn.
#[derive(Clone)]
pub struct Publisher {
    connection: MultiplexedConnection,
    channel: String,
}

/// Connects twice to Redis: a subscribed connection can only receive, so publishing
/// takes a second one.
pub async fn connect(url: &str, channel: &str) -> Result<Broker, String> {
    let failed = |e: redis::RedisError| format!("cannot use Redis at {url}: {e}");
    let client = redis::Client::open(url).map_err(failed)?;
    let connecting = async {
        let mut subscriber = client.get_async_pubsub().await?;
        subscriber.subscribe(channel).await?;
        let connection = client.get_multiplexed_async_connection().await?;
        Ok((subscriber, connection))
    };
    let (subscriber, connection) = tokio::time::timeout(CONNECT_TIMEOUT, connecting)
        .await
        .map_err(|_| format!("Redis at {url} did not answer within {CONNECT_TIMEOUT:?}"))?
        .map_err(failed)?;
    Ok(Broker {
        publisher: Publisher {
            connection,
            channel: channel.to_string(),
        },
        messages: subscriber.into_on_message(),
    })
}

// ANCHOR: wire
/// A line on the channel: `SERVER CONNECTION LINE`, the speaker in hex and decimal,
/// so the servers that receive it know whose writer must skip it.
fn encode(from: Speaker, line: &str) -> String {
    format!("{:x} {} {line}", from.server, from.connection)
}

fn decode(message: &str) -> Option<Said> {
    let mut parts = message.splitn(3, ' ');
    let server = u64::from_str_radix(parts.next()?, 16).ok()?;
    let connection = parts.next()?.parse().ok()?;
    let line = parts.next()?;
    Some(Said {
        from: Speaker { server, connection },
        line: line.into(),
    })
}
// ANCHOR_END: wire

impl Publisher {
    // ANCHOR: publish
    /// Publishes one line. Each client's task awaits its own publication before it
    /// reads the next line, so a client's lines reach Redis, and everyone, in order.
    pub async fn publish(&self, from: Speaker, line: &str) -> io::Result<()> {
        // The multiplexed connection is a handle: a clone is a new sender into the one
        // connection, and `publish` needs it mutable.
        let mut connection = self.connection.clone();
        connection
            .publish::<_, _, ()>(&self.channel, encode(from, line))
            .await
            .map_err(io::Error::other)
    }
    // ANCHOR_END: publish
}

// ANCHOR: relay
/// Puts every line Redis delivers into this server's room, ours included, until the
/// connection to Redis is lost: then the stream ends, and so does the server.
pub async fn relay(
    mut messages: PubSubStream,
    room: broadcast::Sender<Said>,
) -> Result<(), String> {
    while let Some(message) = messages.next().await {
        let Ok(text) = message.get_payload::<String>() else {
            webcore::log::event("redis", "sent a message that is not text: ignored");
            continue;
        };
        match decode(&text) {
            // Sending never waits: a slow reader here loses lines as it would alone.
            Some(said) => {
                let _ = room.send(said);
            }
            None => webcore::log::event("redis", &format!("sent {text:?}, not a chat line")),
        }
    }
    Err("the subscription ended".to_string())
}
// ANCHOR_END: relay

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_survives_the_wire() {
        let from = Speaker {
            server: 0xdead_beef,
            connection: 7,
        };
        let said = decode(&encode(from, "127.0.0.1:5000: hi there\n")).expect("decodes");
        assert_eq!(said.from, from);
        assert_eq!(&*said.line, "127.0.0.1:5000: hi there\n");
        assert!(decode("hello").is_none());
        assert!(decode("zz 1 x").is_none());
    }
}
