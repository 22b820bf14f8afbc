//! The contract suite (support/testkit/src/contract.rs), run against this chapter: every
//! promise up to chapter 13 holds, including "a slow request does not hold up a fast
//! one", which chapter 11's sequential server fails.

#[test]
fn keeps_the_contract_up_to_chapter_13() {
    testkit::contract::run(env!("CARGO_BIN_EXE_chapter13"), 13);
}
