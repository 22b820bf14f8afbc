//! The contract suite (support/testkit/src/contract.rs), run against this chapter: every
//! promise up to chapter 09 holds, and chapter 10's (timeouts) do not yet.

#[test]
fn keeps_the_contract_up_to_chapter_09() {
    testkit::contract::run(env!("CARGO_BIN_EXE_chapter09"), 9);
}
