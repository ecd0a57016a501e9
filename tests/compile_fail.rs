//! Misuse of generated clients fails to compile (trybuild). Cases are `tests/ui/*.rs`,
//! each with the exact compiler output in a `.stderr` beside it, recorded with the
//! toolchain named in README.md ("Compile-fail tests"); `TRYBUILD=overwrite` re-records
//! them.
//!
//! Cases use the real `custkit` crate, and `custkit-ui-fixtures`: clients generated from
//! small test-only specs (`tests/ui-fixtures/specs/`) with shapes no real provider has yet.

#[test]
fn misuse_of_generated_clients_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
