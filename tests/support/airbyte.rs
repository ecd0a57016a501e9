//! Running `custkit airbyte` and checking what it prints with the official Python
//! protocol models (`airbyte-protocol-models`, in a venv under `target/`).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch directory for one test's files.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("airbyte")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `config` as `config.json` in `dir`; its path, for `--config`.
pub fn config_file(dir: &Path, config: &str) -> String {
    let path = dir.join("config.json");
    std::fs::write(&path, config).unwrap();
    path.to_str().unwrap().to_string()
}

/// Runs `custkit airbyte ARGS`; returns its exit code and stdout lines.
pub fn airbyte(args: &[&str]) -> (i32, Vec<String>) {
    let output = Command::new(env!("CARGO_BIN_EXE_custkit"))
        .arg("airbyte")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    (
        output.status.code().unwrap_or(-1),
        stdout.lines().map(str::to_string).collect(),
    )
}

pub fn parse(lines: &[String]) -> Vec<Value> {
    lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

pub fn of_type<'a>(messages: &'a [Value], kind: &str) -> Vec<&'a Value> {
    messages.iter().filter(|m| m["type"] == kind).collect()
}

/// A Python with `airbyte-protocol-models` and `jsonschema`, in a venv under `target/`
/// (`.ci/run` creates it up front; a fresh checkout gets it here).
pub fn python() -> PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("airbyte-venv");
    let python = venv.join("bin/python");
    let ready = |python: &Path| {
        Command::new(python)
            .args(["-c", "import airbyte_protocol.models, jsonschema"])
            .status()
            .is_ok_and(|status| status.success())
    };
    if !ready(&python) {
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .unwrap();
        assert!(status.success(), "python3 -m venv failed");
        let status = Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "airbyte-protocol-models",
                "jsonschema",
            ])
            .status()
            .unwrap();
        assert!(
            status.success(),
            "pip install airbyte-protocol-models failed"
        );
    }
    python
}

/// Validates messages with the official models; panics with the validator's report.
pub fn validate(python: &Path, dir: &Path, name: &str, lines: &[String]) {
    let file = dir.join(name);
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/airbyte/validate.py");
    let output = Command::new(python)
        .arg(script)
        .arg(&file)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{name}: {report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
