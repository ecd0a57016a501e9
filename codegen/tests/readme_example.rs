//! The README's "Adding a provider" walk-through stays true: its finished spec and sample
//! response are valid together, and the error it shows is the one custkit prints.

use std::path::PathBuf;

fn readme() -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap()
}

/// The fenced block after `<!-- worked-example: {marker} -->`, or after `{marker}` itself.
fn block(readme: &str, marker: &str) -> String {
    let start = readme.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let fence = readme[start..].find("```").unwrap() + start;
    let body = readme[fence..].find('\n').unwrap() + fence + 1;
    let end = readme[body..].find("```").unwrap() + body;
    readme[body..end].to_string()
}

fn workspace(spec: &str, sample: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "custkit-readme-{}-{}",
        std::process::id(),
        spec.len()
    ));
    std::fs::create_dir_all(dir.join("specs/examples/acme")).unwrap();
    std::fs::write(dir.join("specs/acme.yaml"), spec).unwrap();
    std::fs::write(dir.join("specs/examples/acme/list_customers.json"), sample).unwrap();
    dir
}

fn check(dir: &PathBuf) -> Result<(), custkit_codegen::Diagnostics> {
    custkit_codegen::Config::new()
        .spec(dir.join("specs/acme.yaml"))
        .display_root(dir)
        .emit_rerun_if_changed(false)
        .generate_files()
        .map(|_| ())
}

#[test]
fn the_worked_example_is_a_valid_spec() {
    let readme = readme();
    let spec = block(&readme, "<!-- worked-example: spec -->");
    let sample = block(&readme, "<!-- worked-example: sample -->");
    let dir = workspace(&spec, &sample);
    let result = check(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    result.unwrap_or_else(|errors| panic!("{errors}"));
}

#[test]
fn the_error_shown_is_the_error_printed() {
    let readme = readme();
    let spec = block(&readme, "<!-- worked-example: spec -->")
        .replace("from: signup_date,", "from: signup_dat,");
    let sample = block(&readme, "<!-- worked-example: sample -->");
    let dir = workspace(&spec, &sample);
    let result = check(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    let errors = result.expect_err("the typo must be an error");
    assert_eq!(errors.0.len(), 1, "{errors}");
    let shown = block(&readme, "A mistake is reported like rustc would");
    assert_eq!(errors.0[0].to_string(), shown);
}
