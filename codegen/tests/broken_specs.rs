//! The broken-spec corpus: each `tests/broken/<case>/` holds one spec with a mistake
//! spec authors make, and `expected.txt`, the exact report `cargo build` and
//! `custkit check` print for it. `CUSTKIT_BLESS=1` rewrites the expected reports (review
//! the diff).

use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/broken")
}

fn report(case: &Path) -> String {
    let result = custkit_codegen::Config::new()
        .specs_dir(case)
        .display_root(env!("CARGO_MANIFEST_DIR"))
        .emit_rerun_if_changed(false)
        .generate_files();
    match result {
        Ok(_) => "the spec is valid\n".to_string(),
        Err(errors) => format!("{errors}\n"),
    }
}

#[test]
fn every_broken_spec_gives_its_expected_report() {
    let bless = std::env::var_os("CUSTKIT_BLESS").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let actual = report(case);
        assert!(
            actual.starts_with("error: "),
            "{} is not broken:\n{actual}",
            case.display()
        );
        assert!(
            !actual.contains("internal error"),
            "{} reaches a codegen bug:\n{actual}",
            case.display()
        );
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "== {}\n-- expected\n{expected}\n-- actual\n{actual}",
                case.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ (CUSTKIT_BLESS=1 to accept):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_error_is_located() {
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let case = entry.unwrap().path();
        if !case.is_dir() {
            continue;
        }
        let Err(errors) = custkit_codegen::Config::new()
            .specs_dir(&case)
            .emit_rerun_if_changed(false)
            .check()
        else {
            continue;
        };
        for error in errors.0 {
            assert!(
                error.line > 0,
                "{}: unlocated error {error}",
                case.display()
            );
        }
    }
}
