//! Checks that keep the book true to the code.
//!
//! mdBook is forgiving in ways that hide drift: a wrong anchor renders an empty code
//! block, a missing file still builds (mdBook #1094), and a whole-file include shows
//! the `ANCHOR` comments to the reader. This crate reads the book's Markdown the way
//! mdBook will and reports each of those as a [`Problem`].

#![forbid(unsafe_code)]

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// One thing wrong with the book, with the page it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub page: PathBuf,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.page.display(), self.message)
    }
}

/// Checks every Markdown page under `src_dir` (the book's `src/`).
pub fn check_book(src_dir: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for page in markdown_files(src_dir) {
        match fs::read_to_string(&page) {
            Ok(text) => {
                let relative = page.strip_prefix(src_dir).unwrap_or(&page).to_path_buf();
                let dir = page.parent().unwrap_or(src_dir);
                for message in check_page(&text, dir) {
                    problems.push(Problem {
                        page: relative.clone(),
                        message,
                    });
                }
            }
            Err(e) => problems.push(Problem {
                page: page.clone(),
                message: format!("unreadable: {e}"),
            }),
        }
    }
    problems.extend(check_summary(src_dir));
    problems.extend(check_seed_names(src_dir));
    problems
}

/// Every page that mentions one of the seeds (`the seed article`, `the seed course`…)
/// uses a name the introduction defines as `**the seed NAME**`. A name used and never
/// introduced leaves a new reader wondering which article is meant.
fn check_seed_names(src_dir: &Path) -> Vec<Problem> {
    let introduction = fs::read_to_string(src_dir.join("introduction.md")).unwrap_or_default();
    let defined = seed_names(&introduction);
    let mut problems = Vec::new();
    for page in markdown_files(src_dir) {
        let Ok(text) = fs::read_to_string(&page) else {
            continue;
        };
        let relative = page.strip_prefix(src_dir).unwrap_or(&page).to_path_buf();
        for name in undefined_seed_names(&text, &defined) {
            problems.push(Problem {
                page: relative.clone(),
                message: format!(
                    "`the seed {name}` is not one of the seeds introduction.md names ({}); use one of those names",
                    defined
                        .iter()
                        .map(|n| format!("the seed {n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    problems
}

/// The seed names a page defines: `NAME` for every `**the seed NAME**`.
pub fn seed_names(introduction: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = introduction;
    while let Some(start) = rest.find("**the seed ") {
        let after = &rest[start + "**the seed ".len()..];
        let Some(end) = after.find("**") else { break };
        names.push(after[..end].trim().to_lowercase());
        rest = &after[end..];
    }
    names
}

/// The `NAME`s of every `the seed NAME` in `text` (outside code blocks and code spans,
/// across line breaks, any capitalisation) that are not in `defined`, once each.
pub fn undefined_seed_names(text: &str, defined: &[String]) -> Vec<String> {
    let prose = prose_words(text);
    let mut undefined = Vec::new();
    for window in prose.windows(3) {
        if window[0] != "the" || window[1] != "seed" {
            continue;
        }
        // `book's` names the seed book; `the seed's` (no name) is not matched at all.
        let name = window[2]
            .split(['\'', '’'])
            .next()
            .unwrap_or_default()
            .to_string();
        if !name.is_empty() && !defined.contains(&name) && !undefined.contains(&name) {
            undefined.push(name);
        }
    }
    undefined
}

/// The lines of a page outside its fenced code blocks (the fences themselves left out).
fn lines_outside_code_blocks(text: &str) -> impl Iterator<Item = &str> {
    let mut in_block = false;
    text.lines().filter(move |line| {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            return false;
        }
        !in_block
    })
}

/// The words of a page's prose in lower case, without code blocks, code spans or
/// punctuation other than apostrophes (`seed's` stays one word).
fn prose_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for line in lines_outside_code_blocks(text) {
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 1 {
                // A code span: a word boundary, but no words.
                words.push(String::new());
                continue;
            }
            for word in part.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
                if !word.is_empty() {
                    words.push(word.to_lowercase());
                }
            }
        }
    }
    words
}

/// Every page in `SUMMARY.md` exists, and every Markdown file is listed (an orphan page
/// is never rendered, so it silently rots).
fn check_summary(src_dir: &Path) -> Vec<Problem> {
    let summary_path = src_dir.join("SUMMARY.md");
    let Ok(summary) = fs::read_to_string(&summary_path) else {
        return vec![Problem {
            page: "SUMMARY.md".into(),
            message: "missing".into(),
        }];
    };
    let listed: Vec<String> = links(&summary)
        .into_iter()
        .filter(|target| !target.is_empty())
        .collect();
    let mut problems = Vec::new();
    for page in markdown_files(src_dir) {
        let relative = page
            .strip_prefix(src_dir)
            .unwrap_or(&page)
            .to_string_lossy()
            .replace('\\', "/");
        if relative != "SUMMARY.md" && !listed.contains(&relative) {
            problems.push(Problem {
                page: relative.into(),
                message: "is not listed in SUMMARY.md, so it is never rendered".into(),
            });
        }
    }
    problems
}

/// The problems on one page whose directory is `dir`.
pub fn check_page(text: &str, dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for directive in include_directives(text) {
        if let Err(message) = check_include(&directive, dir) {
            problems.push(message);
        }
    }
    problems.extend(pasted_rust_blocks(text));
    problems.extend(blocks_run_together(text));
    problems.extend(process_name_commands(text));
    for target in links(text) {
        if let Err(message) = check_link(&target, dir) {
            problems.push(message);
        }
    }
    problems
}

/// `{{#include path:anchor}}` as written in a page.
#[derive(Debug, PartialEq, Eq)]
pub struct Include {
    pub directive: String,
    pub path: String,
    pub selector: Option<String>,
}

/// Every `{{#include …}}` and `{{#rustdoc_include …}}` in `text`.
pub fn include_directives(text: &str) -> Vec<Include> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{#") {
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        let escaped = rest[..start].ends_with('\\');
        rest = &after[end + 2..];
        // mdBook leaves `\{{#include …}}` alone: that is how a page talks about the syntax.
        if escaped {
            continue;
        }
        let Some((name, argument)) = inner.split_once(char::is_whitespace) else {
            continue;
        };
        if name != "include" && name != "rustdoc_include" {
            continue;
        }
        let argument = argument.trim();
        let (path, selector) = match argument.split_once(':') {
            Some((path, selector)) => (path.to_string(), Some(selector.to_string())),
            None => (argument.to_string(), None),
        };
        found.push(Include {
            directive: format!("{{{{#{inner}}}}}"),
            path,
            selector,
        });
    }
    found
}

fn check_include(include: &Include, dir: &Path) -> Result<(), String> {
    let file = dir.join(&include.path);
    let source = fs::read_to_string(&file)
        .map_err(|e| format!("{} names {}: {e}", include.directive, file.display()))?;
    match &include.selector {
        None => {
            if source.contains("ANCHOR:") || source.contains("ANCHOR_END:") {
                Err(format!(
                    "{} includes a whole file that has ANCHOR markers: they would show in the page; include an anchor",
                    include.directive
                ))
            } else {
                Ok(())
            }
        }
        Some(selector)
            if selector
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == ':') =>
        {
            Err(format!(
                "{} selects lines by number; use a named ANCHOR so edits cannot shift it",
                include.directive
            ))
        }
        Some(anchor) => {
            let region = anchored_region(&source, anchor)
                .map_err(|why| format!("{}: {why}", include.directive))?;
            if region.iter().all(|line| line.trim().is_empty()) {
                Err(format!("{}: the anchor selects nothing", include.directive))
            } else {
                Ok(())
            }
        }
    }
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`, without other markers (as
/// mdBook renders them).
pub fn anchored_region<'a>(source: &'a str, anchor: &str) -> Result<Vec<&'a str>, String> {
    let is_marker = |line: &str, kind: &str| {
        line.split(kind)
            .nth(1)
            .map(|after| {
                after
                    .trim_start()
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                    .next()
                    == Some(anchor)
            })
            .unwrap_or(false)
    };
    let mut lines = source.lines();
    if !lines.by_ref().any(|line| is_marker(line, "ANCHOR:")) {
        return Err(format!("no `ANCHOR: {anchor}` in the file"));
    }
    let mut region = Vec::new();
    for line in lines {
        if is_marker(line, "ANCHOR_END:") {
            return Ok(region);
        }
        if !line.contains("ANCHOR:") && !line.contains("ANCHOR_END:") {
            region.push(line);
        }
    }
    Err(format!("`ANCHOR: {anchor}` has no `ANCHOR_END: {anchor}`"))
}

/// Fenced ```rust blocks whose lines are not all includes: code pasted by hand drifts.
fn pasted_rust_blocks(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut in_rust_block = false;
    let mut in_other_block = false;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_rust_block || in_other_block {
                in_rust_block = false;
                in_other_block = false;
            } else if trimmed.trim_start_matches('`').starts_with("rust") {
                in_rust_block = true;
            } else {
                in_other_block = true;
            }
            continue;
        }
        if in_rust_block
            && !trimmed.is_empty()
            && !trimmed.starts_with("{{#include")
            && !trimmed.starts_with("{{#rustdoc_include")
        {
            problems.push(format!(
                "line {}: Rust code pasted into the page; include it from the sources with an anchor",
                number + 1
            ));
        }
    }
    problems
}

/// Markdown blocks that a missing blank line runs together. They render, but not as
/// written:
///
/// - a line at column 0 right after a list item is swallowed into that item (a *lazy
///   continuation line*): `- last item` then `See the appendix.` becomes one bullet;
/// - an image on its own line next to a line of text becomes one paragraph with it, the
///   image inline in the sentence;
/// - a code fence touching a paragraph or list: CommonMark lets it interrupt one, but the
///   page's source no longer shows where the prose ends, and an indented fence after a
///   list item changes which item owns it.
pub fn blocks_run_together(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let blank = |i: usize| lines.get(i).is_none_or(|line| line.trim().is_empty());
    let mut problems = Vec::new();
    let mut in_block = false;
    // Whether the line before belongs to a list item (its marker line or an indented
    // continuation of it, with no blank line since).
    let mut in_list = false;
    // Whether the line before is a paragraph's text.
    let mut in_paragraph = false;
    for (i, line) in lines.iter().enumerate() {
        let number = i + 1;
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if !in_block && i > 0 && !blank(i - 1) {
                problems.push(format!(
                    "line {number}: a code fence opens right after a line of text; put a blank line before it"
                ));
            }
            if in_block && !blank(i + 1) {
                problems.push(format!(
                    "line {number}: a code fence closes right before a line of text; put a blank line after it"
                ));
            }
            in_block = !in_block;
            in_list = false;
            in_paragraph = false;
            continue;
        }
        if in_block {
            continue;
        }
        if trimmed.is_empty() {
            in_list = false;
            in_paragraph = false;
            continue;
        }
        let image_line = trimmed.starts_with("![") && trimmed.ends_with(')');
        if image_line && ((i > 0 && !blank(i - 1)) || !blank(i + 1)) {
            problems.push(format!(
                "line {number}: an image on its own line touches a line of text, so both render as one paragraph; put blank lines around the image"
            ));
        }
        let indented = line.starts_with([' ', '\t']);
        if let Some(ordinal) = list_marker(trimmed) {
            // An ordered item other than `1.` cannot interrupt a paragraph: `09. What…`
            // in the middle of one is text.
            if !(in_paragraph && ordinal.is_some_and(|n| n != 1)) {
                in_list = true;
                in_paragraph = false;
                continue;
            }
        }
        if in_list && !indented {
            problems.push(format!(
                "line {number}: this line starts at column 0 right after a list item, so it renders as part of that item; put a blank line before it (or indent it, if it belongs to the item)"
            ));
        }
        in_paragraph = !in_list;
    }
    problems
}

/// Commands that pick processes by name (`pkill`, `pgrep`, `killall`). On a shared
/// machine they reach other people's processes too, and `pgrep -n` finds whichever
/// started last; a page signals the process the reader started, by its id (`$!`).
pub fn process_name_commands(text: &str) -> Vec<String> {
    const FORBIDDEN: [&str; 3] = ["pkill", "pgrep", "killall"];
    let mut problems = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let words = line.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'));
        for word in words {
            if FORBIDDEN.contains(&word) {
                problems.push(format!(
                    "line {}: `{word}` picks processes by name, and on a shared machine reaches other people's; start the server in the background and use its id (`& SERVER=$!`, then `kill -TERM $SERVER`)",
                    number + 1
                ));
            }
        }
    }
    problems
}

/// `Some(None)` for a bullet (`- `, `* `, `+ `), `Some(Some(n))` for an ordered item
/// (`n. ` or `n) `), `None` for any other line (`line` without its indentation).
fn list_marker(line: &str) -> Option<Option<u64>> {
    if ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m)) {
        return Some(None);
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = &line[digits..];
    if (1..=9).contains(&digits) && (rest.starts_with(". ") || rest.starts_with(") ")) {
        return Some(line[..digits].parse().ok());
    }
    None
}

/// Link and image targets, `[text](target)`, outside code blocks and code spans.
pub fn links(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in lines_outside_code_blocks(text) {
        let without_code_spans: String = line
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, part)| part)
            .collect::<Vec<_>>()
            .join(" ");
        let mut rest = without_code_spans.as_str();
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].split_whitespace().next().unwrap_or_default();
            targets.push(target.to_string());
            rest = &after[end + 1..];
        }
    }
    targets
}

fn check_link(target: &str, dir: &Path) -> Result<(), String> {
    let external = ["http://", "https://", "mailto:"];
    if target.is_empty()
        || target.starts_with('#')
        || external.iter().any(|p| target.starts_with(p))
    {
        return Ok(());
    }
    let path = target.split('#').next().unwrap_or_default();
    if dir.join(path).exists() {
        Ok(())
    } else {
        Err(format!("broken link: {target}"))
    }
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(markdown_files(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            found.push(path);
        }
    }
    found.sort();
    found
}
