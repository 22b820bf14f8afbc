//! `exercises/info.toml` lists every exercise package, and nothing else.

use std::path::Path;

/// The package name in `dir/Cargo.toml`.
fn package_name(dir: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    manifest.lines().find_map(|line| {
        let value = line.trim().strip_prefix("name")?.trim().strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_string())
    })
}

#[test]
fn every_exercise_package_has_one_entry_and_every_entry_a_package() {
    let exercises = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut packages: Vec<String> = std::fs::read_dir(&exercises)
        .expect("the exercises folder")
        .filter_map(|entry| package_name(&entry.ok()?.path()))
        .filter(|name| name != "exercise-harness")
        .collect();
    packages.sort();
    let listed: Vec<&str> = exercise_harness::info::all()
        .iter()
        .map(|entry| entry.name.as_str())
        .collect();

    let unlisted: Vec<&String> = packages
        .iter()
        .filter(|name| !listed.contains(&name.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "exercise packages without an entry in exercises/info.toml: {unlisted:?}\n\
         add one [[exercises]] entry each (name, chapter, task, hint)"
    );
    let missing: Vec<&&str> = listed
        .iter()
        .filter(|name| !packages.iter().any(|package| package == **name))
        .collect();
    assert!(
        missing.is_empty(),
        "exercises/info.toml names packages that do not exist under exercises/: {missing:?}"
    );
}

#[test]
fn entries_follow_the_book_and_name_their_chapter() {
    let entries = exercise_harness::info::all();
    for entry in entries {
        assert!(
            entry.name.starts_with(&format!("ch{:02}-", entry.chapter)),
            "{} is listed under chapter {}",
            entry.name,
            entry.chapter
        );
        assert!(
            !entry.task.trim().is_empty() && !entry.hint.trim().is_empty(),
            "{} needs a task and a hint",
            entry.name
        );
    }
    assert!(
        entries
            .windows(2)
            .all(|pair| pair[0].chapter <= pair[1].chapter),
        "exercises/info.toml lists the exercises in the order of the book's chapters"
    );
}
