//! The contract suite (support/testkit/src/contract.rs), run against this chapter: every
//! promise from chapter 05 on holds, and chapter 06's promises do not yet.

#[test]
fn keeps_the_contract_up_to_chapter_05() {
    testkit::contract::run(env!("CARGO_BIN_EXE_chapter05"), 5);
}
