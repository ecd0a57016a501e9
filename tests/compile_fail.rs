//! Misuse of generated clients fails to compile (trybuild). Cases are `tests/ui/*.rs`,
//! each with the exact compiler output in a `.stderr` beside it, recorded with the
//! toolchain in README.md ("Compile-fail tests"); `TRYBUILD=overwrite` re-records them.
//!
//! Cases use the real `custkit` crate, and `tests/ui/specs/`: small specs that are not
//! providers, generated here into `target/custkit-ui/` and included by the cases.

use std::path::PathBuf;

#[test]
fn misuse_of_generated_clients_does_not_compile() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/custkit-ui");
    std::fs::create_dir_all(&out).unwrap();
    custkit_codegen::Config::new()
        .specs_dir(root.join("tests/ui/specs"))
        .out_dir(&out)
        .emit_rerun_if_changed(false)
        .generate()
        .unwrap_or_else(|errors| panic!("{errors}"));
    // Read by the cases' `include!(concat!(env!("CUSTKIT_UI_OUT"), ...))`.
    std::env::set_var("CUSTKIT_UI_OUT", &out);
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
