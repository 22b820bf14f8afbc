//! The contract suite (support/testkit/src/contract.rs), run against this chapter: every
//! promise up to chapter 10 holds, and chapter 11's slow routes do not exist yet.

#[test]
fn keeps_the_contract_up_to_chapter_10() {
    testkit::contract::run(env!("CARGO_BIN_EXE_chapter10"), 10);
}
