//! The chat room: a line from one client reaches every other one, a client that reads
//! nothing costs the room nothing, and with `--redis` two servers form one room.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use testkit::Server;

/// The longest any read in these tests waits for a line.
const LINE_TIMEOUT: Duration = Duration::from_secs(10);

/// A running process, killed on drop, with what it wrote to stderr kept for failures.
struct Process {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Process {
    fn spawn(command: &mut Command) -> Process {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {command:?}: {e}"));
        // Drained all along, so a chatty process never blocks on a full pipe.
        let stderr = testkit::drain_to_string(child.stderr.take().expect("stderr is piped"));
        Process { child, stderr }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("no panics while held").clone()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A chat server on a free port (testkit starts it, waits for its ready line, and
/// kills it on drop).
struct Chat {
    server: Server,
}

impl Chat {
    fn start(args: &[&str]) -> Chat {
        Chat {
            server: Server::start(env!("CARGO_BIN_EXE_chat"), args),
        }
    }

    /// A new client, once the room has welcomed it: from then on it hears every line.
    fn join(&self) -> Client {
        let stream = TcpStream::connect(self.server.addr()).expect("connect to the chat");
        stream
            .set_read_timeout(Some(LINE_TIMEOUT))
            .expect("a read timeout");
        stream
            .set_write_timeout(Some(LINE_TIMEOUT))
            .expect("a write timeout");
        let name = stream.local_addr().expect("our address").to_string();
        let mut client = Client {
            reader: BufReader::new(stream.try_clone().expect("clone the socket")),
            writer: stream,
            name,
        };
        let welcome = client.line();
        assert!(
            welcome.starts_with(&format!("* you are {};", client.name)),
            "not a welcome: {welcome:?}"
        );
        client
    }
}

/// One chat client: its address is its name in the room.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    name: String,
}

impl Client {
    fn say(&mut self, text: &str) {
        self.writer
            .write_all(format!("{text}\n").as_bytes())
            .expect("send a line");
    }

    /// The next line from the room, within `LINE_TIMEOUT`.
    fn line(&mut self) -> String {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => panic!("{}: the server closed the connection", self.name),
            Ok(_) => line,
            Err(e) => panic!("{}: no line within {LINE_TIMEOUT:?}: {e}", self.name),
        }
    }

    /// The next line that is not someone joining (joins race with the test's own
    /// lines: a client may hear of a later client's arrival at any point).
    fn heard(&mut self) -> String {
        loop {
            let line = self.line();
            if !(line.starts_with("* ") && line.ends_with(" joined\n")) {
                return line;
            }
        }
    }
}

#[test]
fn a_line_reaches_the_others_in_order_and_not_the_sender() {
    let chat = Chat::start(&[]);
    let mut a = chat.join();
    let mut b = chat.join();
    let mut c = chat.join();
    for text in ["one", "two", "three"] {
        a.say(text);
    }
    for other in [&mut b, &mut c] {
        for text in ["one", "two", "three"] {
            assert_eq!(other.heard(), format!("{}: {text}\n", a.name));
        }
    }
    // Had `a` been sent its own lines, they would come before this one.
    b.say("back to you");
    assert_eq!(a.heard(), format!("{}: back to you\n", b.name));
    assert_eq!(c.heard(), format!("{}: back to you\n", b.name));
}

#[test]
fn the_others_see_a_client_leave() {
    let chat = Chat::start(&[]);
    let mut a = chat.join();
    let mut b = chat.join();
    let c = chat.join();
    let gone = c.name.clone();
    drop(c);
    for stayed in [&mut a, &mut b] {
        assert_eq!(stayed.heard(), format!("* {gone} left\n"));
    }
}

#[test]
fn a_silent_client_is_disconnected_and_the_room_told() {
    let chat = Chat::start(&["--idle", "2"]);
    let mut talker = chat.join();
    let mut silent = chat.join();
    // Keep the talker from being idle too: it says a line at least every 200 ms, a
    // tenth of the idle time, which is also how it waits (its reads time out).
    talker
        .writer
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("a read timeout");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut heard = String::new();
    while !heard.contains(&format!("* {} left\n", silent.name)) {
        assert!(
            Instant::now() < deadline,
            "no departure of the silent client within 10 s; heard {heard:?}"
        );
        talker.say("still here");
        let mut line = String::new();
        match talker.reader.read_line(&mut line) {
            Ok(_) => heard.push_str(&line),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                heard.push_str(&line);
            }
            Err(e) => panic!("talker: {e}"),
        }
    }
    // The silent one's connection is closed: after the talker's lines, end of file.
    let mut rest = Vec::new();
    silent
        .reader
        .read_to_end(&mut rest)
        .expect("the silent client sees the close");
}

// ANCHOR: slow_reader_test
/// A client that never reads fills its socket buffers, and then the server's writes to
/// it wait. A room that wrote each line to every client in turn would wait with them;
/// this one must not.
#[test]
fn a_client_that_never_reads_does_not_stall_the_room() {
    const BACKLOG: usize = 64;
    const BATCH: usize = BACKLOG / 2;
    // 2 MiB in all: more than the socket buffers between the server and the client that
    // does not read can hold (the server's send buffer of 128 KiB, the client's receive
    // buffer of 128 KiB, which Linux grows only for a client that reads), so the
    // server's writes to it really do wait.
    const BATCHES: usize = 64;
    let text = "x".repeat(1000);
    let chat = Chat::start(&["--backlog", &BACKLOG.to_string(), "--idle", "120"]);
    let mut writer = chat.join();
    let mut reader = chat.join();
    let mut slow = chat.join();

    let started = Instant::now();
    for batch in 0..BATCHES {
        // The reader takes each batch before the next is sent, so it never falls
        // `BACKLOG` lines behind and must get every line.
        for i in 0..BATCH {
            writer.say(&format!("{batch}.{i} {text}"));
        }
        for i in 0..BATCH {
            assert_eq!(
                reader.heard(),
                format!("{}: {batch}.{i} {text}\n", writer.name),
                "after {:?}\n{}",
                started.elapsed(),
                chat.server.output()
            );
        }
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "2 MiB took {took:?}");

    // The slow client was left behind, not waited for: when it reads at last, it gets
    // what its buffers held, then the notice of how much it lost.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let line = slow.heard();
        if line.starts_with("* ") && line.ends_with(" lines dropped: you read too slowly\n") {
            break;
        }
        assert!(Instant::now() < deadline, "no drop notice within 20 s");
    }
}
// ANCHOR_END: slow_reader_test

/// A `redis-server` of our own on a free port, stopped on drop.
struct Redis {
    _process: Process,
    url: String,
}

impl Redis {
    /// `None` (after one line saying what to install) when redis-server is missing,
    /// except in CI, which installs it: there a missing server fails the test.
    fn start() -> Option<Redis> {
        let found = Command::new("redis-server")
            .arg("--version")
            .output()
            .is_ok_and(|out| out.status.success());
        if !found {
            assert!(
                std::env::var_os("CI").is_none(),
                "redis-server is missing, and CI must install it (.ci/run)"
            );
            eprintln!("note: skipped: apt-get install -y redis-server to run the Redis room test");
            return None;
        }
        // The port is free when we ask; if someone takes it before redis-server binds
        // it, redis-server exits, and we try another.
        let mut failures = String::new();
        for _ in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let mut process = Process::spawn(
                Command::new("redis-server")
                    .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                    // Nothing on disk: no snapshots, no append-only file.
                    .args(["--save", "", "--appendonly", "no"])
                    .arg("--dir")
                    .arg(std::env::temp_dir()),
            );
            let answers = testkit::wait_until(Duration::from_secs(10), || {
                matches!(process.child.try_wait(), Ok(None)) && pong(port)
            });
            if answers {
                return Some(Redis {
                    _process: process,
                    url: format!("redis://127.0.0.1:{port}"),
                });
            }
            failures.push_str(&process.stderr());
        }
        panic!("redis-server did not start:\n{failures}");
    }
}

/// Whether a Redis answers PING on `port`.
fn pong(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut answer = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut answer).is_ok()
        && &answer == b"+PONG\r\n"
}

// ANCHOR: redis_test
#[test]
fn two_servers_sharing_a_redis_are_one_room() {
    let Some(redis) = Redis::start() else { return };
    let a = Chat::start(&["--redis", &redis.url]);
    let b = Chat::start(&["--redis", &redis.url]);
    let mut on_a = a.join();
    let mut also_on_a = a.join();
    let mut on_b = b.join();

    on_a.say("typed on server A");
    assert_eq!(on_b.heard(), format!("{}: typed on server A\n", on_a.name));
    assert_eq!(
        also_on_a.heard(),
        format!("{}: typed on server A\n", on_a.name)
    );
    on_b.say("answered on server B");
    // Its own line came back from Redis to server A too, and was not sent to it.
    assert_eq!(
        on_a.heard(),
        format!("{}: answered on server B\n", on_b.name)
    );
    drop(on_b);
    assert!(on_a.heard().ends_with(" left\n"));

    // Without its broker a server would be a room of its own, silently: it exits
    // instead, with status 1, for whoever runs it to restart it.
    drop(redis);
    let mut a = a;
    let status = a.server.wait_exit(Duration::from_secs(10));
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(1),
        "{}",
        a.server.output()
    );
    assert!(a.server.stderr().contains("error: lost the broker"));
}
// ANCHOR_END: redis_test
