//! `custkit scaffold` on every provider example in `specs/examples/`: the draft must be a
//! spec the loader reads, and any error it has must sit on a line marked `TODO` (what the
//! author still has to finish).

use std::path::PathBuf;
use std::process::Command;

fn examples() -> Vec<(String, PathBuf)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/examples");
    let mut found = Vec::new();
    for provider in std::fs::read_dir(root).unwrap() {
        let provider = provider.unwrap().path();
        let name = provider.file_name().unwrap().to_string_lossy().into_owned();
        for file in std::fs::read_dir(&provider).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|ext| ext == "json") {
                found.push((name.clone(), file));
            }
        }
    }
    found.sort();
    found
}

fn scaffold(name: &str, sample: &PathBuf) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_custkit"))
        .args(["scaffold", name])
        .arg(sample)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn every_example_scaffolds_to_a_spec_whose_only_errors_are_todos() {
    let dir = std::env::temp_dir().join(format!("custkit-scaffold-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let examples = examples();
    assert!(!examples.is_empty());
    for (index, (provider, sample)) in examples.iter().enumerate() {
        let name = format!("{provider}_draft_{index}");
        let draft = scaffold(&name, sample);
        let path = dir.join(format!("{name}.yaml"));
        std::fs::write(&path, &draft).unwrap();
        let result = custkit_codegen::Config::new()
            .spec(&path)
            .emit_rerun_if_changed(false)
            .check();
        if let Err(errors) = result {
            for error in &errors.0 {
                let line = error.source_line.as_deref().unwrap_or_default();
                assert!(
                    line.contains("TODO"),
                    "{}: an error outside the TODOs:\n{error}\n--- draft:\n{draft}",
                    sample.display()
                );
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tourwell_draft_infers_the_quirks_of_its_records() {
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("specs/examples/tourwell/list_customers.json");
    let draft = scaffold("tourwell", &sample);
    assert!(
        draft.contains("    records:\n      path: data\n"),
        "{draft}"
    );
    assert!(draft.contains("`meta.last_page`"), "{draft}");
    // `creator` is `[]` in some records and an object in others.
    assert!(
        draft.contains("  creator:\n    object:\n")
            && draft.contains("    empty_array_is_null: true"),
        "{draft}"
    );
    assert!(draft.contains("  id: integer\n"), "{draft}");
    assert!(
        draft.contains("normalize:\n  remote_id: id\n  full_name: name\n"),
        "{draft}"
    );
}

#[test]
fn bad_input_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_custkit"))
        .args(["scaffold", "Not-A-Name", "Cargo.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = Command::new(env!("CARGO_BIN_EXE_custkit"))
        .args(["scaffold", "acme", "Cargo.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not JSON"));
}
