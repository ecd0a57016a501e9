//! The generated code of every spec in `specs/`, as snapshots: a change in generation
//! shows up as a reviewable diff (`cargo insta review`).

use std::path::PathBuf;

fn specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

#[test]
fn generated_code_matches_snapshots() {
    let files = custkit_codegen::Config::new()
        .specs_dir(specs_dir())
        .emit_rerun_if_changed(false)
        .generate_files()
        .unwrap_or_else(|errors| panic!("{errors}"));
    assert!(files.len() >= 2, "at least one provider plus the index");
    for file in files {
        let name = file.name.trim_end_matches(".rs").to_string();
        insta::assert_snapshot!(name, file.content);
    }
}

#[test]
fn generation_is_deterministic() {
    let generate = || {
        custkit_codegen::Config::new()
            .specs_dir(specs_dir())
            .emit_rerun_if_changed(false)
            .generate_files()
            .unwrap()
    };
    assert_eq!(generate(), generate());
}

#[test]
fn unchanged_output_is_not_rewritten() {
    let out = std::env::temp_dir().join(format!("custkit-codegen-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let config = custkit_codegen::Config::new()
        .specs_dir(specs_dir())
        .out_dir(&out)
        .emit_rerun_if_changed(false);
    config.generate().unwrap();
    let written = std::fs::metadata(out.join("tourwell.rs"))
        .unwrap()
        .modified()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    config.generate().unwrap();
    assert_eq!(
        std::fs::metadata(out.join("tourwell.rs"))
            .unwrap()
            .modified()
            .unwrap(),
        written
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn the_shipped_json_schema_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/custkit-spec.schema.json");
    let current = custkit_codegen::schema::spec_schema();
    if std::env::var_os("CUSTKIT_BLESS").is_some() {
        std::fs::write(&path, &current).unwrap();
    }
    let shipped = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(shipped == current, "schema/custkit-spec.schema.json is stale: run `CUSTKIT_BLESS=1 cargo test -p custkit-codegen`");
}
