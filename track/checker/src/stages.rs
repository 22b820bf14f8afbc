//! The stages of the track, and the page of the book each failure sends the reader to.
//!
//! The stages follow the book: each is a chapter whose server a reader can build on top
//! of the previous stage's, and each runs every check of the contract introduced up to
//! that chapter (`support/testkit/src/contract.rs`), plus the two checks the contract
//! does not have (stage 04's first answer and stage 16's limit, in `checks.rs`).

/// One stage: the chapter whose checks it adds, and what the reader builds for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage {
    /// The chapter of the book; the stage runs every check up to it.
    pub number: u8,
    /// A short name, as the failure lines print it: `stage 07 (files safely)`.
    pub name: &'static str,
    /// What to build, for the line that names the next thing to do.
    pub goal: &'static str,
    /// The flags the checker starts the server with from this stage on, if new here.
    pub new_flags: Option<&'static str>,
}

/// Every stage, in order.
pub const STAGES: [Stage; 9] = [
    Stage {
        number: 4,
        name: "respond",
        goal: "answer every connection with a well-formed HTTP/1.1 response",
        new_flags: None,
    },
    Stage {
        number: 5,
        name: "parse",
        goal: "read whole requests, however they arrive, and answer malformed ones 400",
        new_flags: None,
    },
    Stage {
        number: 6,
        name: "answer properly",
        goal: "the headers every answer carries, HEAD, 404, 405, 505, 431 and 413",
        new_flags: None,
    },
    Stage {
        number: 7,
        name: "files safely",
        goal: "serve the files under --root, with their types, and nothing outside it",
        new_flags: Some("--root DIR"),
    },
    Stage {
        number: 8,
        name: "pages",
        goal: "the dynamic pages /now, /headers and /parameters, escaped",
        new_flags: None,
    },
    Stage {
        number: 10,
        name: "survive bad input and slow clients",
        goal: "one deadline for the whole request head, and a clean stop on SIGTERM",
        new_flags: Some("--idle-timeout SECS"),
    },
    Stage {
        number: 13,
        name: "concurrency",
        goal: "serve many clients at once (threads, a pool, an event loop or tokio: your \
               pick), with the slow routes /sleep and /cpu",
        new_flags: None,
    },
    Stage {
        number: 16,
        name: "a limit",
        goal: "never serve more than --max-connections clients at once",
        new_flags: Some("--max-connections N"),
    },
    Stage {
        number: 18,
        name: "keep-alive",
        goal: "keep HTTP/1.1 connections open for the next request, pipelined or not",
        new_flags: None,
    },
];

/// The stage with this number, if there is one.
pub fn stage(number: u8) -> Option<Stage> {
    STAGES.iter().copied().find(|stage| stage.number == number)
}

/// The stage that first runs a check introduced in `chapter`: the first stage at or
/// after it (chapter 11's slow routes are part of 13, chapter 14's pool of 16).
pub fn stage_of(chapter: u8) -> Stage {
    STAGES
        .iter()
        .copied()
        .find(|stage| stage.number >= chapter)
        .unwrap_or(STAGES[STAGES.len() - 1])
}

/// The stage after `stage`, if any.
pub fn next(stage: Stage) -> Option<Stage> {
    STAGES.iter().copied().find(|s| s.number > stage.number)
}

/// The stage before `stage`, if any.
pub fn previous(stage: Stage) -> Option<Stage> {
    STAGES
        .iter()
        .rev()
        .copied()
        .find(|s| s.number < stage.number)
}

/// Where a failure sends the reader: a page of the book, a heading or phrase on it (a
/// test checks both exist), and what to do, in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    /// A file in `book/src/`.
    pub page: &'static str,
    /// A heading of the page, or a phrase on it, quoted in the hint.
    pub section: &'static str,
    pub advice: &'static str,
}

impl Hint {
    /// The hint line: `read book/src/PAGE, "SECTION": ADVICE`.
    pub fn line(&self) -> String {
        format!(
            "read book/src/{}, \"{}\": {}",
            self.page, self.section, self.advice
        )
    }
}

const fn hint(page: &'static str, section: &'static str, advice: &'static str) -> Hint {
    Hint {
        page,
        section,
        advice,
    }
}

/// The hint for a failed check, by the check's name and the chapter that introduces it.
/// The names are the contract's own (and `checks.rs`'s); an unknown name gets its
/// chapter's page.
pub fn hint_for(check: &str, chapter: u8) -> Hint {
    let has = |words: &str| check.contains(words);
    if check.starts_with(crate::judge::STARTS) {
        return match chapter {
            7 => hint(
                "ch07-static-files.md",
                "The code",
                "from stage 07 on, the checker starts your server with `--root DIR`: take \
                 the flag (clap: `#[arg(long)] root: PathBuf`) and serve that folder",
            ),
            10 => hint(
                "ch10-serving-forever.md",
                "Run it",
                "from stage 10 on, the checker starts your server with `--idle-timeout SECS` \
                 too: take the flag, and give each client that long to send its request head",
            ),
            _ => hint(
                "ch04-fixed-response.md",
                "Run it",
                "the checker waits for the ready line `Listening on http://ADDR` on stdout, \
                 with the address actually bound, flushed at once",
            ),
        };
    }
    if check.starts_with(crate::judge::STILL_ANSWERS) && chapter > 4 {
        return hint(
            "contract.md",
            "Bad input gets a clear answer, and the server lives on",
            "whatever a client sends, or however it leaves, becomes a status code or a \
             closed connection, never a panic or an exit; then the server accepts the next",
        );
    }
    if has("command line") || has("start-up failure") {
        return hint(
            "contract.md",
            "Starting and stopping",
            "`--help` lists every flag with its default (the stage's flags too), a bad flag \
             or value exits 2 with a message (clap does both), a port that is taken exits 1 \
             with one `error: cannot listen on ADDR: …` line",
        );
    }
    match chapter {
        0..=4 => hint(
            "ch04-fixed-response.md",
            "The response",
            "accept each connection in a loop, read the request head up to the blank line, \
             then write a status line, headers (Content-Length counts the body's bytes), a \
             blank line and the body, and close",
        ),
        5 if has("400") => hint(
            "ch05-parsing.md",
            "The code",
            "a request line is exactly three parts split by single spaces, the target starts \
             with `/`, a header line is `name: value`; anything else is answered 400",
        ),
        5 => hint(
            "ch05-parsing.md",
            "Why one `read` is not one request",
            "keep reading until the blank line that ends the head has arrived, then as many \
             body bytes as Content-Length says",
        ),
        6 if has("431") || has("413") => hint(
            "ch06-responses.md",
            "Limits, and answering 413 without reading the body",
            "stop reading a head past 8 KiB (431) and refuse a declared body over 1 MiB (413) \
             before reading it",
        ),
        6 => hint(
            "ch06-responses.md",
            "What to answer",
            "every answer carries Content-Length, Content-Type (with a body), Date, Server and \
             Connection: close; HEAD gets GET's headers without the body",
        ),
        7 if has("outside the root") => hint(
            "ch07-static-files.md",
            "Try the attacks",
            "decode the path once, refuse `..` and encoded slashes, and keep a file only if \
             its canonical path is under the canonical root",
        ),
        7 if has("Content-Type") || has("404") => hint(
            "ch07-static-files.md",
            "Types and the 404 page",
            "choose Content-Type from the extension, and answer a missing file with 404 and \
             the root's 404.html",
        ),
        7 => hint(
            "ch07-static-files.md",
            "From a URL path to a file",
            "map the decoded path to a file under --root (a folder means its index.html) and \
             send all of it, even when the client leaves early",
        ),
        8 if has("/now") && !has("405") => hint(
            "ch08-dynamic-pages.md",
            "`/now`",
            "an HTML page with the current date and time",
        ),
        8 if has("/headers") => hint(
            "ch08-dynamic-pages.md",
            "`/headers`, and why escaping is not optional",
            "list the request's headers in HTML, with `<`, `>`, `&` and quotes escaped",
        ),
        8 if has("parameters") => hint(
            "ch08-dynamic-pages.md",
            "`/parameters`",
            "decode the query (or a form body) as browsers encode it, and escape what you show",
        ),
        8 => hint(
            "ch08-dynamic-pages.md",
            "The code",
            "a route answers the methods it allows and 405 with `Allow` to the rest",
        ),
        9 | 10 if has("SIGTERM") => hint(
            "ch10-serving-forever.md",
            "Stopping cleanly",
            "on SIGTERM, log a line saying so, stop accepting, let the request in flight \
             finish, and exit 0",
        ),
        9 | 10 => hint(
            "ch10-serving-forever.md",
            "One deadline for the whole request",
            "one deadline for the whole head, not one per read: a client that dribbles a byte \
             at a time is cut off too (408 or a close)",
        ),
        11 => hint(
            "ch11-blocking.md",
            "The slow routes",
            "/sleep?ms=N answers after N ms (at most 10000), /cpu?ms=N after burning N ms of \
             CPU (at most 1000); anything else for ms gets 400",
        ),
        12 | 13 => hint(
            "ch13-thread-per-connection.md",
            "The change",
            "serve connections at once, with the technique you pick: a thread per connection \
             (this page), a pool (ch14), an event loop (ch15) or tokio tasks (ch17); this \
             stage judges them all the same way",
        ),
        14..=16 => hint(
            "ch16-timers-limits.md",
            "Never more connections than the cap",
            "take `--max-connections N` and serve at most N clients at once: the next one \
             waits (leave it in the backlog, or queue it) or gets 503; ch14's bounded queue \
             is the other way to a limit",
        ),
        _ if has("pipelined") => hint(
            "ch18-every-core.md",
            "Pipelining: the next request may already be here",
            "the bytes after one request are the start of the next: keep them, and answer \
             each request in order",
        ),
        _ if has("idle") => hint(
            "ch18-every-core.md",
            "Idle connections cost a table entry, and get closed",
            "a kept-alive connection that sends nothing for --idle-timeout is closed",
        ),
        _ => hint(
            "ch18-every-core.md",
            "Keep-alive: what HTTP says, and who decides",
            "after an answer, read the next request on the same connection; close after an \
             answer to `Connection: close`, and after an HTTP/1.0 request without \
             `Connection: keep-alive` (whose answer says `Connection: keep-alive`)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chapter_maps_to_the_first_stage_that_includes_it() {
        assert_eq!(stage_of(4).number, 4);
        assert_eq!(stage_of(9).number, 10);
        assert_eq!(stage_of(11).number, 13);
        assert_eq!(stage_of(14).number, 16);
        assert_eq!(stage_of(17).number, 18);
        assert_eq!(next(STAGES[0]).map(|s| s.number), Some(5));
        assert_eq!(next(STAGES[8]), None);
        assert_eq!(previous(STAGES[6]).map(|s| s.number), Some(10));
    }
}
