//! The shared contract suite (CONTRACT.md), run against this chapter's binary: the
//! keep-alive checks are chapter 18's.

#[test]
fn keeps_the_contract() {
    testkit::contract::run(env!("CARGO_BIN_EXE_chapter18"), 18);
}
