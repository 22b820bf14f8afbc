//! The contract suite (support/testkit/src/contract.rs), run against this chapter:
//! every promise up to chapter 16 holds.

#[test]
fn keeps_the_contract_up_to_chapter_16() {
    testkit::contract::run(env!("CARGO_BIN_EXE_chapter16"), 16);
}
