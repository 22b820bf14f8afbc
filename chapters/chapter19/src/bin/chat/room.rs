//! The room: the state every connection's task shares, and the channel that carries
//! each line from the task that read it to the tasks that write it out.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::timeout;

use crate::broker::Publisher;

/// The longest line we buffer, as in `echo-lines`: a client that never sends `\n`
/// must not fill memory.
pub const MAX_LINE: u64 = 8 * 1024;

// ANCHOR: send_buffer
/// The kernel's send buffer for each client. Linux grows a socket's send buffer up to
/// 4 MiB for a fast reader (`net.ipv4.tcp_wmem`), and keeps it full for a reader that
/// stopped: ten thousand stalled clients could pin 40 GiB of kernel memory. A chat
/// line is small; 64 KiB (which Linux doubles for its own bookkeeping) is plenty, and
/// setting it turns the growing off.
pub const SEND_BUFFER: usize = 64 * 1024;
// ANCHOR_END: send_buffer

// ANCHOR: said
/// Who said a line: this server and the connection's number on it. A connection's
/// writer skips what it said itself; the server part keeps two servers' connection
/// number 7 apart once lines travel through Redis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Speaker {
    pub server: u64,
    pub connection: u64,
}

/// One line on its way to the room.
#[derive(Clone, Debug)]
pub struct Said {
    pub from: Speaker,
    /// The whole line as the others get it: `NAME: text\n`, or a `* ` notice.
    /// An `Arc` because the channel hands every receiver its own clone of the value:
    /// a thousand readers share one copy of the text, not a thousand.
    pub line: Arc<str>,
}
// ANCHOR_END: said

// ANCHOR: room
/// The state the connections share.
pub struct Room {
    /// Every connection's writer holds a receiver of this channel. A line sent is
    /// stored once, in a ring of `backlog` slots, until every receiver has taken it
    /// or newer lines overwrite it: sending never waits for a reader, and the memory
    /// is the same for ten readers or ten thousand.
    lines: broadcast::Sender<Said>,
    /// With `--redis`, lines go to the broker instead, and come back into `lines`
    /// through the relay, on this server and every other one.
    publisher: Option<Publisher>,
    /// Who is connected here, by connection number: the only state behind a lock. It
    /// is held to insert, remove or count, never across an `.await`, so a slow
    /// client can never keep another task waiting for it.
    members: Mutex<HashMap<u64, SocketAddr>>,
    /// This process, among the servers sharing a broker (random at start).
    server: u64,
    /// The number the next connection gets.
    next_connection: AtomicU64,
}
// ANCHOR_END: room

impl Room {
    /// A room on this server only.
    pub fn local(backlog: usize) -> Room {
        Room::new(backlog, None)
    }

    /// A room whose lines travel through Redis.
    pub fn brokered(backlog: usize, publisher: Publisher) -> Room {
        Room::new(backlog, Some(publisher))
    }

    fn new(backlog: usize, publisher: Option<Publisher>) -> Room {
        let (lines, _) = broadcast::channel(backlog);
        Room {
            lines,
            publisher,
            members: Mutex::new(HashMap::new()),
            // A random number without a crate: std seeds every `RandomState` afresh.
            server: RandomState::new().hash_one(std::process::id()),
            next_connection: AtomicU64::new(1),
        }
    }

    /// Where the relay puts the lines that come from the broker.
    pub fn sender(&self) -> broadcast::Sender<Said> {
        self.lines.clone()
    }

    // ANCHOR: say
    /// Sends a line to everyone else in the room.
    async fn say(&self, from: Speaker, line: String) -> io::Result<()> {
        match &self.publisher {
            // `send` fails only when no one at all is listening: nothing to do then.
            None => {
                let _ = self.lines.send(Said {
                    from,
                    line: line.into(),
                });
                Ok(())
            }
            Some(publisher) => publisher.publish(from, &line).await,
        }
    }
    // ANCHOR_END: say

    fn members(&self) -> std::sync::MutexGuard<'_, HashMap<u64, SocketAddr>> {
        // Nothing panics while holding the lock, but if something did, a map of
        // addresses is still right to use.
        self.members
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// How a conversation ended.
pub enum Ending {
    Closed,
    Silent,
    Stalled,
    LineTooLong,
}

// ANCHOR: converse
/// One client in the room, from its arrival to its departure: one task reads its
/// lines into the room, while the same task writes the room's lines out to it. The
/// first half to finish ends both.
pub async fn converse(
    room: &Room,
    stream: TcpStream,
    peer: SocketAddr,
    idle: Duration,
) -> io::Result<Ending> {
    socket2::SockRef::from(&stream).set_send_buffer_size(SEND_BUFFER)?;
    let me = Speaker {
        server: room.server,
        connection: room.next_connection.fetch_add(1, Ordering::Relaxed),
    };
    // Subscribe before anyone can hear of us, so no line said after our welcome is
    // lost to us.
    let lines = room.lines.subscribe();
    let here = {
        let mut members = room.members();
        members.insert(me.connection, peer);
        members.len()
    };
    let welcome = format!("* you are {peer}; {here} here on this server\n");
    let (reader, writer) = stream.into_split();
    let ending = match room.say(me, format!("* {peer} joined\n")).await {
        Ok(()) => tokio::select! {
            ending = read_lines(room, me, peer, reader, idle) => ending,
            ending = write_lines(lines, me, writer, welcome, idle) => ending,
        },
        Err(e) => Err(e),
    };
    // One way out, however the conversation ended: off the list, and the others told.
    room.members().remove(&me.connection);
    room.say(me, format!("* {peer} left\n")).await?;
    ending
}
// ANCHOR_END: converse

// ANCHOR: read_lines
/// Reads the client's lines into the room until it closes, stays silent for `idle`
/// or sends an endless line: `echo-lines`' reading, with `say` instead of the echo.
async fn read_lines(
    room: &Room,
    me: Speaker,
    peer: SocketAddr,
    reader: OwnedReadHalf,
    idle: Duration,
) -> io::Result<Ending> {
    let mut reader = BufReader::new(reader);
    loop {
        let mut line = Vec::new();
        let mut limited = (&mut reader).take(MAX_LINE);
        match timeout(idle, limited.read_until(b'\n', &mut line)).await {
            Err(_elapsed) => return Ok(Ending::Silent),
            Ok(Err(e)) => return Err(e),
            Ok(Ok(0)) => return Ok(Ending::Closed),
            Ok(Ok(_)) if !line.ends_with(b"\n") && line.len() as u64 == MAX_LINE => {
                return Ok(Ending::LineTooLong);
            }
            Ok(Ok(_)) => {}
        }
        // A last line without `\n` before the close is still a line. Bytes that are not
        // UTF-8 become U+FFFD: the others' terminals get text, whatever this one sent.
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        room.say(me, format!("{peer}: {text}\n")).await?;
    }
}
// ANCHOR_END: read_lines

// ANCHOR: write_lines
/// Writes the room's lines out to the client, all but its own.
async fn write_lines(
    mut lines: broadcast::Receiver<Said>,
    me: Speaker,
    mut writer: OwnedWriteHalf,
    welcome: String,
    idle: Duration,
) -> io::Result<Ending> {
    let mut next: Arc<str> = welcome.into();
    loop {
        // A client that reads nothing fills its socket buffers, and then this write
        // waits. Only this task waits: the room goes on without it, and its
        // receiver falls behind. After `idle` of waiting, we hang up.
        match timeout(idle, writer.write_all(next.as_bytes())).await {
            Err(_elapsed) => return Ok(Ending::Stalled),
            Ok(result) => result?,
        }
        next = loop {
            match lines.recv().await {
                Ok(said) if said.from == me => continue,
                Ok(said) => break said.line,
                // The reader fell more than `backlog` lines behind: the oldest of
                // them were overwritten before it took them. It is told how many,
                // and goes on from the oldest line still kept.
                Err(RecvError::Lagged(missed)) => {
                    break format!("* {missed} lines dropped: you read too slowly\n").into();
                }
                // The room's sender lives as long as the room, which outlives us.
                Err(RecvError::Closed) => return Ok(Ending::Closed),
            }
        };
    }
}
// ANCHOR_END: write_lines
