//! `exercises/info.toml`: the one file that lists every exercise (name, chapter, task,
//! hint), as rustlings' `info.toml` does. A new exercise is a package and one entry.
//!
//! The file is read at compile time, so every exercise's binary carries the hints, and
//! changing the file rebuilds the harness. It is parsed by the small reader below, which
//! takes the part of TOML the file uses (and says which line it cannot read), so that
//! the harness every learner compiles needs no TOML crate.

use std::sync::LazyLock;

/// The text of `exercises/info.toml`.
pub const INFO_TOML: &str = include_str!("../../info.toml");

/// One exercise, as `exercises/info.toml` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// The package name, e.g. `ch03-uppercase-echo`.
    pub name: String,
    /// The chapter it belongs to.
    pub chapter: u8,
    /// One line: what to build.
    pub task: String,
    /// Printed while a check fails.
    pub hint: String,
}

static ALL: LazyLock<Vec<Info>> =
    LazyLock::new(|| parse(INFO_TOML).unwrap_or_else(|why| panic!("exercises/info.toml: {why}")));

/// Every exercise, in the file's order (the book's).
pub fn all() -> &'static [Info] {
    &ALL
}

/// The entry for the exercise called `name`.
pub fn find(name: &str) -> Option<&'static Info> {
    all().iter().find(|info| info.name == name)
}

/// Reads the file's text: `[[exercises]]` tables of `name`, `chapter`, `task` and
/// `hint`; `#` comments and blank lines between them. Strings are basic strings on one
/// line (`"…"`, with `\"`, `\\`, `\n` and `\t`) or literal strings (`'…'`, or `'''`
/// over several lines, where a line break right after the opening quotes is dropped).
pub fn parse(text: &str) -> Result<Vec<Info>, String> {
    let mut entries: Vec<Info> = Vec::new();
    let mut current: Option<Partial> = None;
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    while let Some((number, line)) = lines.next() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed == "[[exercises]]" {
            if let Some(done) = current.take() {
                entries.push(done.finish()?);
            }
            current = Some(Partial::new(number));
            continue;
        }
        let (key, value) = trimmed
            .split_once('=')
            .ok_or_else(|| format!("line {number}: expected `key = value`, found {trimmed:?}"))?;
        let key = key.trim();
        let entry = current
            .as_mut()
            .ok_or_else(|| format!("line {number}: `{key}` before the first [[exercises]]"))?;
        let value = value.trim();
        let parsed = if let Some(rest) = value.strip_prefix("'''") {
            Value::Text(multi_line_literal(number, rest, &mut lines)?)
        } else if let Some(rest) = value.strip_prefix('\'') {
            let (text, after) = rest
                .split_once('\'')
                .ok_or_else(|| format!("line {number}: a '…' string without its end"))?;
            end_of_line(number, after)?;
            Value::Text(text.to_string())
        } else if let Some(rest) = value.strip_prefix('"') {
            Value::Text(basic_string(number, rest)?)
        } else {
            let digits = value.split('#').next().unwrap_or_default().trim();
            Value::Number(digits.parse().map_err(|_| {
                format!(
                    "line {number}: `{key}` should be a string or a small number, found {value:?}"
                )
            })?)
        };
        entry.set(number, key, parsed)?;
    }
    if let Some(done) = current.take() {
        entries.push(done.finish()?);
    }
    for (i, entry) in entries.iter().enumerate() {
        if entries[..i]
            .iter()
            .any(|earlier| earlier.name == entry.name)
        {
            return Err(format!("{} is listed twice", entry.name));
        }
    }
    Ok(entries)
}

enum Value {
    Text(String),
    Number(u8),
}

/// An entry whose keys are still being read.
struct Partial {
    line: usize,
    name: Option<String>,
    chapter: Option<u8>,
    task: Option<String>,
    hint: Option<String>,
}

impl Partial {
    fn new(line: usize) -> Partial {
        Partial {
            line,
            name: None,
            chapter: None,
            task: None,
            hint: None,
        }
    }

    fn set(&mut self, number: usize, key: &str, value: Value) -> Result<(), String> {
        let twice = || format!("line {number}: `{key}` twice in one entry");
        let wrong = || format!("line {number}: `{key}` has the wrong type");
        match (key, value) {
            ("name", Value::Text(text)) if self.name.is_none() => self.name = Some(text),
            ("task", Value::Text(text)) if self.task.is_none() => self.task = Some(text),
            ("hint", Value::Text(text)) if self.hint.is_none() => self.hint = Some(text),
            ("chapter", Value::Number(n)) if self.chapter.is_none() => self.chapter = Some(n),
            ("name" | "task" | "hint", Value::Text(_)) | ("chapter", Value::Number(_)) => {
                return Err(twice());
            }
            ("name" | "task" | "hint" | "chapter", _) => return Err(wrong()),
            _ => {
                return Err(format!(
                    "line {number}: unknown key `{key}` (an entry has name, chapter, task, hint)"
                ));
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Info, String> {
        let missing = |key: &str| {
            format!(
                "the [[exercises]] entry at line {} has no `{key}`",
                self.line
            )
        };
        Ok(Info {
            name: self.name.clone().ok_or_else(|| missing("name"))?,
            chapter: self.chapter.ok_or_else(|| missing("chapter"))?,
            task: self.task.clone().ok_or_else(|| missing("task"))?,
            hint: self.hint.clone().ok_or_else(|| missing("hint"))?,
        })
    }
}

/// Only a comment may follow a value on its line.
fn end_of_line(number: usize, after: &str) -> Result<(), String> {
    let after = after.trim();
    if after.is_empty() || after.starts_with('#') {
        Ok(())
    } else {
        Err(format!(
            "line {number}: unexpected {after:?} after the value"
        ))
    }
}

/// The rest of a `"…"` string, escapes resolved.
fn basic_string(number: usize, rest: &str) -> Result<String, String> {
    let mut text = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                end_of_line(number, chars.as_str())?;
                return Ok(text);
            }
            '\\' => match chars.next() {
                Some('"') => text.push('"'),
                Some('\\') => text.push('\\'),
                Some('n') => text.push('\n'),
                Some('t') => text.push('\t'),
                other => {
                    return Err(format!(
                        "line {number}: the escape \\{} is not one this reader knows (\\\" \\\\ \\n \\t)",
                        other.map(String::from).unwrap_or_default()
                    ));
                }
            },
            c => text.push(c),
        }
    }
    Err(format!("line {number}: a \"…\" string without its end"))
}

/// A `'''` string: `first` is what follows the opening quotes on their line.
fn multi_line_literal<'a>(
    number: usize,
    first: &'a str,
    lines: &mut impl Iterator<Item = (usize, &'a str)>,
) -> Result<String, String> {
    if let Some((text, after)) = first.split_once("'''") {
        end_of_line(number, after)?;
        return Ok(text.to_string());
    }
    // A line break right after the opening quotes is not part of the string.
    let mut text = if first.is_empty() {
        String::new()
    } else {
        format!("{first}\n")
    };
    for (_, line) in lines.by_ref() {
        if let Some((last, after)) = line.split_once("'''") {
            end_of_line(number, after)?;
            text.push_str(last);
            return Ok(text);
        }
        text.push_str(line);
        text.push('\n');
    }
    Err(format!(
        "line {number}: a ''' string that never ends (three single quotes end it)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_part_of_toml_the_file_uses() {
        let text = "# a comment\n\n[[exercises]]\nname = \"ch03-a\"\nchapter = 3 # three\n\
                    task = \"say \\\"hi\\\"\"\nhint = '''\nline one `\\r\\n`\nline two\n'''\n\n\
                    [[exercises]]\nname = 'ch04-b'\nchapter = 4\ntask = \"t\"\nhint = '''one line'''\n";
        let entries = parse(text).expect("valid");
        assert_eq!(
            entries,
            vec![
                Info {
                    name: "ch03-a".into(),
                    chapter: 3,
                    task: "say \"hi\"".into(),
                    hint: "line one `\\r\\n`\nline two\n".into(),
                },
                Info {
                    name: "ch04-b".into(),
                    chapter: 4,
                    task: "t".into(),
                    hint: "one line".into(),
                },
            ]
        );
    }

    #[test]
    fn says_which_line_it_cannot_read() {
        let cases = [
            (
                "name = \"x\"\n",
                "line 1: `name` before the first [[exercises]]",
            ),
            (
                "[[exercises]]\nname = \"x\"\nchapter = 3\ntask = \"t\"\n",
                "no `hint`",
            ),
            (
                "[[exercises]]\nnmae = \"x\"\n",
                "line 2: unknown key `nmae`",
            ),
            (
                "[[exercises]]\nchapter = \"3\"\n",
                "line 2: `chapter` has the wrong type",
            ),
            (
                "[[exercises]]\nhint = '''\nnever ends\n",
                "line 2: a ''' string that never ends",
            ),
            (
                "[[exercises]]\ntask = \"open\n",
                "line 2: a \"…\" string without its end",
            ),
        ];
        for (text, expected) in cases {
            let why = parse(text).expect_err(text);
            assert!(
                why.contains(expected),
                "{why:?} should contain {expected:?}"
            );
        }
        let twice = "[[exercises]]\nname = \"a\"\nchapter = 3\ntask = \"t\"\nhint = 'h'\n";
        let why = parse(&format!("{twice}{twice}")).expect_err("listed twice");
        assert!(why.contains("a is listed twice"), "{why}");
    }

    #[test]
    fn the_workbook_file_reads() {
        assert!(!all().is_empty());
        assert!(find("ch03-uppercase-echo").is_some());
    }
}
