//! The book in this repository, and the checker itself on pages built to be wrong.

use std::fs;

use bookcheck::{check_book, check_page};

#[test]
fn the_book_has_no_broken_includes_anchors_or_links() {
    let src = testkit::workspace_root().join("book/src");
    let problems = check_book(&src);
    assert!(
        problems.is_empty(),
        "the book has drifted from the code:\n{}",
        problems
            .iter()
            .map(|p| format!("  - {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A scratch folder with one source file holding an anchored region.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    fs::write(
        dir.path().join("code.rs"),
        "// ANCHOR: full\nfn main() {}\n// ANCHOR_END: full\n// ANCHOR: empty\n\n// ANCHOR_END: empty\n// ANCHOR: open\nfn x() {}\n",
    )
    .expect("write code.rs");
    fs::write(dir.path().join("plain.rs"), "fn plain() {}\n").expect("write plain.rs");
    fs::write(dir.path().join("other.md"), "# Other\n").expect("write other.md");
    dir
}

fn problems(page: &str) -> Vec<String> {
    let dir = scratch();
    check_page(page, dir.path())
}

#[test]
fn a_good_include_and_link_pass() {
    let page = "```rust\n{{#include code.rs:full}}\n```\n\n```rust\n{{#include plain.rs}}\n```\n\nSee [other](other.md#top) and [web](https://example.com).\n";
    assert_eq!(problems(page), Vec::<String>::new());
}

#[test]
fn a_missing_file_is_caught() {
    let found = problems("```rust\n{{#include nowhere.rs:full}}\n```\n");
    assert!(found[0].contains("nowhere.rs"), "{found:?}");
}

#[test]
fn a_missing_anchor_is_caught() {
    let found = problems("```rust\n{{#include code.rs:nope}}\n```\n");
    assert!(found[0].contains("no `ANCHOR: nope`"), "{found:?}");
}

#[test]
fn an_empty_anchor_is_caught() {
    let found = problems("```rust\n{{#include code.rs:empty}}\n```\n");
    assert!(found[0].contains("selects nothing"), "{found:?}");
}

#[test]
fn an_unclosed_anchor_is_caught() {
    let found = problems("```rust\n{{#include code.rs:open}}\n```\n");
    assert!(found[0].contains("has no `ANCHOR_END: open`"), "{found:?}");
}

#[test]
fn a_whole_file_include_that_would_leak_markers_is_caught() {
    let found = problems("```rust\n{{#include code.rs}}\n```\n");
    assert!(found[0].contains("would show in the page"), "{found:?}");
}

#[test]
fn line_ranges_are_refused() {
    let found = problems("```rust\n{{#include code.rs:2:3}}\n```\n");
    assert!(found[0].contains("by number"), "{found:?}");
}

#[test]
fn pasted_rust_is_caught() {
    let found = problems("```rust\nfn main() {}\n```\n");
    assert!(found[0].contains("pasted"), "{found:?}");
}

#[test]
fn a_broken_link_is_caught_but_code_spans_are_not_links() {
    let found = problems("See [gone](gone.md) but not `[x](y.md)`.\n\n```text\n[a](b.md)\n```\n");
    assert_eq!(found, vec!["broken link: gone.md".to_string()]);
}

#[test]
fn an_orphan_page_and_a_missing_summary_entry_are_caught() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    fs::write(
        dir.path().join("SUMMARY.md"),
        "# Summary\n\n- [Gone](gone.md)\n",
    )
    .unwrap();
    fs::write(dir.path().join("orphan.md"), "# Orphan\n").unwrap();
    let found: Vec<String> = check_book(dir.path())
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert!(
        found.iter().any(|p| p.contains("broken link: gone.md")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("orphan.md") && p.contains("not listed")),
        "{found:?}"
    );
}

#[test]
fn an_escaped_directive_is_text_not_an_include() {
    assert_eq!(
        problems("Write `\\{{#include nowhere.rs:x}}` in a page.\n"),
        Vec::<String>::new()
    );
}

#[test]
fn every_exercise_is_listed_in_the_exercises_appendix() {
    let root = testkit::workspace_root();
    let appendix = fs::read_to_string(root.join("book/src/exercises.md")).expect("exercises.md");
    let mut missing = Vec::new();
    for entry in fs::read_dir(root.join("exercises")).expect("exercises/") {
        let path = entry.expect("a folder entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.join("Cargo.toml").exists()
            && name != "harness"
            && !appendix.contains(&format!("`{name}`"))
        {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "exercises missing from book/src/exercises.md: {missing:?}"
    );
}

#[test]
fn the_contract_in_the_book_is_the_shared_contract() {
    let root = testkit::workspace_root();
    let ours = fs::read_to_string(root.join("CONTRACT.md")).expect("CONTRACT.md");
    // The team's copy lives beside the repository; a reader's clone has only ours.
    if let Ok(shared) = fs::read_to_string(root.join("../shared/CONTRACT.md")) {
        assert_eq!(
            ours, shared,
            "CONTRACT.md differs from ../shared/CONTRACT.md: copy it again"
        );
    }
}

#[test]
fn seed_names_are_the_ones_the_introduction_defines() {
    let introduction = "- **the seed book**: a book.\n- **the seed course**: a course.\n";
    let defined = bookcheck::seed_names(introduction);
    assert_eq!(defined, vec!["book".to_string(), "course".to_string()]);
    let page = "The seed book's warning. As the seed\ncourse does. The seed article says.\n\
                What the seed's pool does. `the seed code` is code.\n";
    assert_eq!(
        bookcheck::undefined_seed_names(page, &defined),
        vec!["article".to_string()]
    );
}

#[test]
fn a_book_that_names_an_undefined_seed_is_caught() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    fs::write(
        dir.path().join("SUMMARY.md"),
        "# Summary\n\n[Introduction](introduction.md)\n- [One](one.md)\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("introduction.md"),
        "# Intro\n\n- **the seed article**: an article.\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("one.md"),
        "# One\n\nAs the seed article says, and the Seed paper too.\n",
    )
    .unwrap();
    let found: Vec<String> = check_book(dir.path())
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("one.md") && found[0].contains("`the seed paper`"),
        "{found:?}"
    );
}

#[test]
fn a_line_after_a_list_item_without_a_blank_line_is_caught() {
    // The defect chapters 07 and 08 had: the last bullet swallowed the next sentence.
    let found = problems("- `cargo run -p one`: one.\n- two,\n  still two.\nSee the appendix.\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("line 4:") && found[0].contains("part of that item"),
        "{found:?}"
    );
    assert_eq!(
        problems("- one,\n  still one.\n\nSee the appendix.\n"),
        Vec::<String>::new()
    );
}

#[test]
fn an_ordered_marker_inside_a_paragraph_is_text_not_a_list() {
    assert_eq!(
        problems("Every chapter since\n09. What is new is\nhow the bytes move.\n"),
        Vec::<String>::new()
    );
    assert_eq!(
        problems("Steps:\n\n1. one\n2. two\n   more of two\n\nDone.\n"),
        Vec::<String>::new()
    );
}

#[test]
fn an_image_touching_text_is_caught() {
    // The defect chapter 06 had: the image and the next paragraph rendered as one.
    let found = problems("Before.\n\n![A picture](other.md)\n The example measures it.\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("line 3:") && found[0].contains("one paragraph"),
        "{found:?}"
    );
    let found = problems("Before.\n![A picture](other.md)\n\nAfter.\n");
    assert!(
        found.iter().any(|p| p.contains("one paragraph")),
        "{found:?}"
    );
}

#[test]
fn a_code_fence_touching_text_is_caught() {
    let found = problems("Run it:\n```console\n$ ls\n```\nThen look.\n");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with("line 2:") && found[0].contains("opens"),
        "{found:?}"
    );
    assert!(
        found[1].starts_with("line 4:") && found[1].contains("closes"),
        "{found:?}"
    );
    assert_eq!(
        problems("Run it:\n\n```console\n$ ls\n```\n\n- a list\n\n  ```text\n  inside\n  ```\n"),
        Vec::<String>::new()
    );
}

#[test]
fn commands_that_pick_processes_by_name_are_caught() {
    let found = problems(
        "In a third terminal, `pkill -TERM chapter10`.\n\n```console\n$ chapter12 --server-pid \"$(pgrep -n chapter10)\"\n$ killall chapter13\n```\n",
    );
    assert_eq!(found.len(), 3, "{found:?}");
    for (line, word) in [(1, "pkill"), (4, "pgrep"), (5, "killall")] {
        assert!(
            found
                .iter()
                .any(|p| p.starts_with(&format!("line {line}:")) && p.contains(word)),
            "{found:?}"
        );
    }
    assert_eq!(
        problems("```console\n$ cargo run -p chapter10 & SERVER=$!\n$ kill -TERM $SERVER\n```\n"),
        Vec::<String>::new()
    );
}
