//! Every exercise keeps what a learner needs where the learner can see it.
//!
//! A starter may use items the exercise defines (a type to return, a constant to
//! send), but only from `src/given.rs`, which its top comment points to: the checks
//! file, `src/lib.rs`, is the one file the learner is told not to read.

use std::fs;
use std::path::{Path, PathBuf};

fn exercises() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found: Vec<PathBuf> = fs::read_dir(&root)
        .expect("the exercises folder")
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.join("src/starter.rs").exists())
        .collect();
    found.sort();
    found
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `crate::…` path in `source`, as written.
fn crate_paths(source: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        let path: String = rest[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':' || *c == '{')
            .collect();
        paths.push(path);
        rest = &rest[at + "crate::".len()..];
    }
    paths
}

#[test]
fn starters_use_only_what_given_rs_shows() {
    let mut problems = Vec::new();
    for exercise in exercises() {
        let name = exercise.file_name().unwrap().to_string_lossy().into_owned();
        let starter = read(&exercise.join("src/starter.rs"));
        let solution = read(&exercise.join("solution/solution.rs"));
        let given = exercise.join("src/given.rs");
        for (file, source) in [
            ("src/starter.rs", &starter),
            ("solution/solution.rs", &solution),
        ] {
            for path in crate_paths(source) {
                if !path.starts_with("crate::given::") {
                    problems.push(format!(
                        "{name}/{file} uses `{path}`: move it to src/given.rs, where the learner can read it"
                    ));
                }
            }
        }
        let uses_given = starter.contains("crate::given::");
        if uses_given && !given.exists() {
            problems.push(format!(
                "{name}: the starter uses crate::given, but there is no src/given.rs"
            ));
        }
        if given.exists() {
            let top_comment: String = starter
                .lines()
                .take_while(|line| line.starts_with("//!"))
                .collect::<Vec<_>>()
                .join("\n");
            if !top_comment.contains("`src/given.rs`") {
                problems.push(format!(
                    "{name}: has src/given.rs, but the starter's top comment does not point to it"
                ));
            }
            if !read(&exercise.join("src/lib.rs")).contains("pub mod given;") {
                problems.push(format!(
                    "{name}: src/lib.rs does not declare `pub mod given;`"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_path_scan_sees_what_a_starter_would_write() {
    assert_eq!(
        crate_paths("use crate::{LineError, RequestLine};\nlet x = crate::given::BUSY;"),
        vec![
            "crate::{LineError".to_string(),
            "crate::given::BUSY".to_string()
        ]
    );
}
