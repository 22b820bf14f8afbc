//! Every hint the checker can print sends the reader to a page that exists, quoting a
//! heading or phrase that is on it: the book and the hints cannot drift apart.

use build_your_own::checks::track_checks;
use build_your_own::judge::{STARTS, STILL_ANSWERS};
use build_your_own::stages::{STAGES, hint_for};

/// A page's text, with the files it `{{#include}}`s whole (the contract appendix
/// includes CONTRACT.md).
fn page_text(page: &str) -> String {
    let book = testkit::workspace_root().join("book/src");
    let text =
        std::fs::read_to_string(book.join(page)).unwrap_or_else(|e| panic!("book/src/{page}: {e}"));
    let mut whole = text.clone();
    for line in text.lines() {
        if let Some(path) = line
            .trim()
            .strip_prefix("{{#include ")
            .and_then(|rest| rest.strip_suffix("}}"))
            .filter(|path| !path.contains(':'))
        {
            whole.push_str(&std::fs::read_to_string(book.join(path)).unwrap_or_default());
        }
    }
    whole
}

#[test]
fn every_hint_names_a_page_and_a_place_on_it_that_exist() {
    let mut names: Vec<(String, u8)> = testkit::contract::checks()
        .iter()
        .chain(track_checks().iter())
        .map(|check| (check.name.to_string(), check.chapter))
        .collect();
    for stage in STAGES {
        for name in [
            format!("{STARTS} with the flags of chapter {:02}", stage.number),
            format!("{STILL_ANSWERS} after `a check`"),
            "the command line: --help, bad flags exit 2, a taken port exits 1".to_string(),
            "SIGTERM: the request in flight is answered, then exit 0".to_string(),
        ] {
            names.push((name, stage.number));
        }
    }
    for (name, chapter) in names {
        let hint = hint_for(&name, chapter);
        let text = page_text(hint.page);
        assert!(
            text.contains(hint.section),
            "the hint for {name:?} (chapter {chapter}) quotes {:?}, which is not on book/src/{}",
            hint.section,
            hint.page
        );
        assert!(!hint.advice.is_empty());
    }
}

#[test]
fn the_book_page_lists_every_stage() {
    let text = page_text("build-your-own.md");
    for stage in STAGES {
        let row = format!("| {:02} | {} |", stage.number, stage.name);
        assert!(
            text.contains(&row),
            "book/src/build-your-own.md has no row {row:?}"
        );
    }
}
