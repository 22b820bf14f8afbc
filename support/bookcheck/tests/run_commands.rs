//! `cargo run -p chapterNN` is the first command of every chapter page, so it must work
//! for every chapter: a package with several binaries (a server and its client, say)
//! needs `default-run`, or cargo stops with "could not determine which binary to run".
//!
//! Checked from `cargo metadata`, which reads the manifests without building anything.
//! `.ci/run` also runs `cargo run -p chapterNN -- --help` for every chapter. And every
//! other tool a page's commands run must be named in the README's set-up.

use std::process::Command;

#[test]
fn every_chapter_package_has_one_binary_or_a_default_run() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(&cargo)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("could not run {cargo} metadata: {e}"));
    assert!(
        output.status.success(),
        "cargo metadata failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("cargo metadata prints UTF-8");
    let metadata = json::parse(&text).unwrap_or_else(|e| panic!("cargo metadata: {e}"));

    let mut chapters = 0;
    let mut ambiguous = Vec::new();
    for package in metadata
        .get("packages")
        .and_then(json::Value::items)
        .unwrap_or(&[])
    {
        let name = package
            .get("name")
            .and_then(json::Value::text)
            .unwrap_or("");
        let is_chapter = name.len() == 9
            && name.starts_with("chapter")
            && name[7..].bytes().all(|b| b.is_ascii_digit());
        if !is_chapter {
            continue;
        }
        chapters += 1;
        let binaries: Vec<&str> = package
            .get("targets")
            .and_then(json::Value::items)
            .unwrap_or(&[])
            .iter()
            .filter(|target| {
                target
                    .get("kind")
                    .and_then(json::Value::items)
                    .is_some_and(|kinds| kinds.iter().any(|k| k.text() == Some("bin")))
            })
            .filter_map(|target| target.get("name").and_then(json::Value::text))
            .collect();
        let default_run = package.get("default_run").and_then(json::Value::text);
        let runs = match (binaries.len(), default_run) {
            (1, None) => true,
            (_, Some(chosen)) => binaries.contains(&chosen),
            _ => false,
        };
        if !runs {
            ambiguous.push(format!(
                "{name}: binaries {binaries:?}, default-run {default_run:?}: add \
                 `default-run = \"{name}\"` to its [package]"
            ));
        }
    }
    assert!(chapters >= 17, "only {chapters} chapter packages found");
    assert!(
        ambiguous.is_empty(),
        "`cargo run -p chapterNN` cannot pick a binary for:\n{}",
        ambiguous.join("\n")
    );
}

/// What any POSIX shell offers (builtins, keywords, coreutils and friends): the README
/// need not list these.
const EVERY_SHELL_HAS: &[&str] = &[
    "awk", "cat", "cd", "do", "done", "echo", "export", "false", "for", "grep", "head", "if",
    "kill", "ln", "ls", "mkdir", "od", "printf", "rm", "sed", "seq", "sleep", "sort", "tail",
    "then", "time", "tr", "true", "ulimit", "uniq", "wait", "wc", "while", "xxd",
];

/// The first word of each command in a console line the book shows (`$ a | b; c &`).
fn commands(line: &str) -> Vec<String> {
    line.split(['|', ';', '&', '(', ')'])
        .filter_map(|part| {
            part.split_whitespace()
                // `time cmd`, `VAR=value cmd`
                .find(|word| *word != "time" && !word.contains('='))
                .map(str::to_string)
        })
        .filter(|word| {
            word.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && !word.contains('/') // the repository's own scripts
                && !word.contains('$')
        })
        .collect()
}

#[test]
fn every_tool_the_book_runs_is_named_in_the_readme() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("read README.md");
    let mut missing = std::collections::BTreeMap::<String, String>::new();
    let pages = std::fs::read_dir(format!("{root}/book/src")).expect("list book/src");
    for page in pages {
        let path = page.expect("a book page").path();
        if path.extension().is_none_or(|ext| ext != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read a book page");
        for line in text.lines().filter_map(|l| l.strip_prefix("$ ")) {
            for tool in commands(line) {
                let named =
                    readme.contains(&format!("`{tool}`")) || readme.contains(&format!("`{tool} "));
                if !named && !EVERY_SHELL_HAS.contains(&tool.as_str()) {
                    let page = path.file_name().unwrap_or_default().to_string_lossy();
                    missing.entry(tool).or_insert(format!("{page}: $ {line}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "README.md's set-up does not name these tools the book runs:\n{}",
        missing
            .iter()
            .map(|(tool, example)| format!("`{tool}`, e.g. {example}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn console_lines_are_split_into_commands() {
    assert_eq!(
        commands("time (printf 'x' | nc -N 127.0.0.1 8080) && CI=1 cargo test &"),
        ["printf", "nc", "cargo"]
    );
    assert_eq!(
        commands("chapters/chapter14/bench/run.sh"),
        Vec::<String>::new()
    );
}

/// Just enough JSON to read `cargo metadata`: the test has no dependencies to lean on.
mod json {
    #[derive(Debug)]
    pub enum Value {
        Null,
        Bool,
        Number,
        Text(String),
        Items(Vec<Value>),
        Fields(Vec<(String, Value)>),
    }

    impl Value {
        pub fn get(&self, key: &str) -> Option<&Value> {
            match self {
                Value::Fields(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
                _ => None,
            }
        }

        pub fn items(&self) -> Option<&[Value]> {
            match self {
                Value::Items(items) => Some(items),
                _ => None,
            }
        }

        pub fn text(&self) -> Option<&str> {
            match self {
                Value::Text(text) => Some(text),
                _ => None,
            }
        }
    }

    pub fn parse(text: &str) -> Result<Value, String> {
        let mut parser = Parser {
            bytes: text.as_bytes(),
            at: 0,
        };
        let value = parser.value()?;
        parser.space();
        if parser.at == parser.bytes.len() {
            Ok(value)
        } else {
            Err(format!("trailing bytes at {}", parser.at))
        }
    }

    struct Parser<'a> {
        bytes: &'a [u8],
        at: usize,
    }

    impl Parser<'_> {
        fn space(&mut self) {
            while self.bytes.get(self.at).is_some_and(u8::is_ascii_whitespace) {
                self.at += 1;
            }
        }

        fn eat(&mut self, byte: u8) -> Result<(), String> {
            self.space();
            if self.bytes.get(self.at) == Some(&byte) {
                self.at += 1;
                Ok(())
            } else {
                Err(format!("expected {:?} at {}", byte as char, self.at))
            }
        }

        fn peek(&mut self) -> Option<u8> {
            self.space();
            self.bytes.get(self.at).copied()
        }

        fn value(&mut self) -> Result<Value, String> {
            match self.peek() {
                Some(b'{') => {
                    self.at += 1;
                    let mut fields = Vec::new();
                    if self.peek() == Some(b'}') {
                        self.at += 1;
                        return Ok(Value::Fields(fields));
                    }
                    loop {
                        let key = self.string()?;
                        self.eat(b':')?;
                        fields.push((key, self.value()?));
                        match self.peek() {
                            Some(b',') => self.at += 1,
                            _ => break,
                        }
                    }
                    self.eat(b'}')?;
                    Ok(Value::Fields(fields))
                }
                Some(b'[') => {
                    self.at += 1;
                    let mut items = Vec::new();
                    if self.peek() == Some(b']') {
                        self.at += 1;
                        return Ok(Value::Items(items));
                    }
                    loop {
                        items.push(self.value()?);
                        match self.peek() {
                            Some(b',') => self.at += 1,
                            _ => break,
                        }
                    }
                    self.eat(b']')?;
                    Ok(Value::Items(items))
                }
                Some(b'"') => Ok(Value::Text(self.string()?)),
                Some(b'n') => self.word("null", Value::Null),
                Some(b't') => self.word("true", Value::Bool),
                Some(b'f') => self.word("false", Value::Bool),
                Some(b'-' | b'0'..=b'9') => {
                    while self
                        .bytes
                        .get(self.at)
                        .is_some_and(|b| b"+-.eE0123456789".contains(b))
                    {
                        self.at += 1;
                    }
                    Ok(Value::Number)
                }
                other => Err(format!("unexpected {other:?} at {}", self.at)),
            }
        }

        fn word(&mut self, word: &str, value: Value) -> Result<Value, String> {
            if self.bytes[self.at..].starts_with(word.as_bytes()) {
                self.at += word.len();
                Ok(value)
            } else {
                Err(format!("bad literal at {}", self.at))
            }
        }

        fn string(&mut self) -> Result<String, String> {
            self.eat(b'"')?;
            let mut out = Vec::new();
            loop {
                let byte = *self.bytes.get(self.at).ok_or("unterminated string")?;
                self.at += 1;
                match byte {
                    b'"' => break,
                    b'\\' => {
                        let escaped = *self.bytes.get(self.at).ok_or("unterminated escape")?;
                        self.at += 1;
                        match escaped {
                            b'n' => out.push(b'\n'),
                            b't' => out.push(b'\t'),
                            b'r' => out.push(b'\r'),
                            b'b' => out.push(8),
                            b'f' => out.push(12),
                            // Names and paths do not need the code point: keep a marker.
                            b'u' => {
                                self.at += 4;
                                out.push(b'?');
                            }
                            other => out.push(other),
                        }
                    }
                    other => out.push(other),
                }
            }
            String::from_utf8(out).map_err(|e| e.to_string())
        }
    }
}
