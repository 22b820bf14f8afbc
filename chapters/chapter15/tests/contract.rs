//! The contract suite (support/testkit/src/contract.rs), run against this chapter: one
//! thread keeps every promise up to chapter 15, including "a slow request does not hold
//! up a fast one" (a `/sleep` waits in the connection table, not in `thread::sleep`).

#[test]
fn keeps_the_contract_up_to_chapter_15() {
    testkit::contract::run(env!("CARGO_BIN_EXE_chapter15"), 15);
}
