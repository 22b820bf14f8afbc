//! The contract suite (support/testkit/src/contract.rs), run against this chapter: every
//! promise up to chapter 14 holds with the pool in place of a thread per connection.

#[test]
fn keeps_the_contract_up_to_chapter_14() {
    testkit::contract::run(env!("CARGO_BIN_EXE_chapter14"), 14);
}
