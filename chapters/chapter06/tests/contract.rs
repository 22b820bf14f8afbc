//! The contract suite (support/testkit/src/contract.rs), run against this chapter: every
//! promise from chapter 05 to 06 holds, and chapter 07's promises do not yet.

#[test]
fn keeps_the_contract_up_to_chapter_06() {
    testkit::contract::run(env!("CARGO_BIN_EXE_chapter06"), 6);
}
