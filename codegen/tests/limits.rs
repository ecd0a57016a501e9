//! The `rate_limit` and `max_pages` keys: generated into the provider's statics, and
//! checked with located errors.

use std::path::{Path, PathBuf};

/// A copy of the Tourwell spec (and its examples) with `edit` applied, in a fresh
/// directory.
fn spec_dir(test: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let specs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let dir = std::env::temp_dir().join(format!("custkit-limits-{test}-{}", std::process::id()));
    let examples = dir.join("examples/tourwell");
    std::fs::create_dir_all(&examples).unwrap();
    std::fs::copy(
        specs.join("examples/tourwell/list_customers.json"),
        examples.join("list_customers.json"),
    )
    .unwrap();
    let text = std::fs::read_to_string(specs.join("tourwell.yaml")).unwrap();
    std::fs::write(dir.join("tourwell.yaml"), edit(text)).unwrap();
    dir
}

fn generate(dir: &Path) -> Result<String, String> {
    custkit_codegen::Config::new()
        .specs_dir(dir)
        .emit_rerun_if_changed(false)
        .generate_files()
        .map(|files| {
            files
                .into_iter()
                .find(|file| file.name == "tourwell.rs")
                .unwrap()
                .content
        })
        .map_err(|errors| errors.to_string())
}

fn with_limits(requests: &str, per: &str, max_pages: &str) -> impl Fn(String) -> String {
    let (requests, per, max_pages) = (requests.to_string(), per.to_string(), max_pages.to_string());
    move |text: String| {
        text.replacen(
            "auth:\n  kind: bearer\n",
            &format!("auth:\n  kind: bearer\nrate_limit: {{ requests: {requests}, per: {per} }}\n"),
            1,
        )
        .replacen(
            "    path: /api/v1/customers\n",
            &format!("    path: /api/v1/customers\n    max_pages: {max_pages}\n"),
            1,
        )
    }
}

#[test]
fn limits_reach_the_generated_statics() {
    let dir = spec_dir("ok", with_limits("300", "minute", "500"));
    let code = generate(&dir).unwrap();
    let code: String = code.split_whitespace().collect();
    assert!(
        code.contains("RateLimit{requests:300u32,per:::core::time::Duration::from_secs(60u64),}"),
        "{code}"
    );
    assert!(
        code.contains("max_pages:::core::option::Option::Some(500u64)"),
        "{code}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_limits_are_located_errors() {
    let dir = spec_dir("zero", with_limits("0", "minute", "0"));
    let errors = generate(&dir).unwrap_err();
    assert!(
        errors.contains("a rate limit must allow at least 1 request"),
        "{errors}"
    );
    assert!(
        errors.contains("`max_pages` must be at least 1"),
        "{errors}"
    );
    assert!(
        errors.contains("tourwell.yaml:18:25"),
        "at the value: {errors}"
    );
    assert!(
        errors.contains("tourwell.yaml:29:16"),
        "at the value: {errors}"
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let dir = spec_dir("period", with_limits("300", "fortnight", "5"));
    let errors = generate(&dir).unwrap_err();
    assert!(errors.contains("unknown value `fortnight`"), "{errors}");
    assert!(
        errors.contains("second, minute, hour") || errors.contains("`second`"),
        "{errors}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
