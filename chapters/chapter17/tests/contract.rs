//! The shared contract suite (CONTRACT.md), run against this chapter's binary.

#[test]
fn keeps_the_contract() {
    testkit::contract::run(env!("CARGO_BIN_EXE_chapter17"), 17);
}
