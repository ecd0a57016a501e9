//! Misuse of generated APIs that must not compile: each case in `tests/ui/` fails with
//! the error checked in next to it (`TRYBUILD=overwrite` regenerates them).

#[test]
fn misuse_of_generated_apis_does_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
