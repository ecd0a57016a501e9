//! Property test: valid specs, mutated the way hands and editors break YAML (a line
//! deleted, duplicated, swapped or re-indented, a key renamed, a value of another type,
//! the file cut short, stray characters), never make codegen panic, and every error they
//! cause is located on a line of the spec.
//!
//! The pipeline is called step by step (load, validate, generate) rather than through
//! `Config`, which turns panics into diagnostics: here a panic must fail the test.

use custkit_codegen::{generate, load, validate};
use proptest::prelude::*;
use std::path::PathBuf;

/// Every valid spec in `specs/` and, for variety, the broken corpus.
fn seeds() -> Vec<(PathBuf, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(root.join("../specs")).unwrap() {
        files.push(entry.unwrap().path());
    }
    for entry in std::fs::read_dir(root.join("tests/broken")).unwrap() {
        files.push(entry.unwrap().path().join("acme.yaml"));
    }
    files.retain(|path| path.extension().is_some_and(|ext| ext == "yaml"));
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path, text)
        })
        .collect()
}

/// One edit; the numbers pick lines and positions modulo the text's size.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Indent(usize, bool),
    RenameKey(usize, usize),
    Retype(usize, usize),
    Truncate(usize),
    Insert(usize, usize),
}

const VALUES: &[&str] = &[
    "42", "-1", "1.5", "true", "~", "[]", "{}", "\"\"", "x", "[a, b]", "{ a: 1 }", "GET",
    "string?", "\"%Y\"", "é²",
];
const INSERTS: &[&str] = &[
    ":", "{", "}", "[", "- ", "#", "'", "\"", "\t", "  ", "&a ", "*a", "é", "²", "\n", "? ",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), any::<bool>()).prop_map(|(a, more)| Mutation::Indent(a, more)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::RenameKey(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Retype(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Insert(a, b)),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return text.to_string();
    }
    let n = lines.len();
    match *mutation {
        Mutation::DeleteLine(a) => {
            lines.remove(a % n);
        }
        Mutation::DuplicateLine(a) => {
            let line = lines[a % n].clone();
            lines.insert(a % n, line);
        }
        Mutation::SwapLines(a, b) => lines.swap(a % n, b % n),
        Mutation::Indent(a, more) => {
            let line = &mut lines[a % n];
            if more {
                line.insert_str(0, "  ");
            } else if let Some(rest) = line.strip_prefix("  ") {
                *line = rest.to_string();
            }
        }
        Mutation::RenameKey(a, b) => {
            let line = &mut lines[a % n];
            if let Some(colon) = line.find(':') {
                let key: Vec<char> = line[..colon].chars().collect();
                if !key.is_empty() {
                    let mut renamed = key.clone();
                    let at = b % renamed.len();
                    if b % 2 == 0 {
                        renamed.remove(at);
                    } else {
                        renamed.insert(at, 'x');
                    }
                    let renamed: String = renamed.into_iter().collect();
                    *line = format!("{renamed}{}", &line[colon..]);
                }
            }
        }
        Mutation::Retype(a, b) => {
            let line = &mut lines[a % n];
            if let Some(colon) = line.find(": ") {
                *line = format!("{}: {}", &line[..colon], VALUES[b % VALUES.len()]);
            }
        }
        Mutation::Truncate(a) => {
            let cut = text
                .char_indices()
                .map(|(index, _)| index)
                .nth(a % text.chars().count().max(1))
                .unwrap_or(0);
            return text[..cut].to_string();
        }
        Mutation::Insert(a, b) => {
            let line = &mut lines[a % n];
            let at = line
                .char_indices()
                .map(|(index, _)| index)
                .nth(b % (line.chars().count() + 1))
                .unwrap_or(line.len());
            line.insert_str(at, INSERTS[b % INSERTS.len()]);
        }
    }
    lines.join("\n") + "\n"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn mutated_specs_never_panic_and_every_error_is_located(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let seeds = seeds();
        let (path, text) = &seeds[seed.index(seeds.len())];
        let mutated = mutations.iter().fold(text.clone(), |text, m| apply(&text, m));
        let loaded = load::parse(mutated.clone(), path.clone(), "spec.yaml".to_string());
        let mut errors = loaded.errors;
        if let Some(source) = &loaded.source {
            errors.extend(validate::validate(source));
            if errors.is_empty() {
                // A spec that passes validation must generate, or fail with a reason.
                let _ = generate::provider_module(source, "::custkit_runtime");
            }
        } else {
            prop_assert!(!errors.is_empty(), "no spec and no error for:\n{mutated}");
        }
        for error in &errors {
            prop_assert!(error.file == "spec.yaml", "error without its file: {error}");
            prop_assert!(error.line > 0, "unlocated error: {error}\nin:\n{mutated}");
            let shown = error.to_string();
            prop_assert!(shown.starts_with("error: "), "odd rendering: {shown}");
        }
    }
}

#[test]
fn mutations_change_the_text() {
    let text = "a: 1\nb:\n  c: x\n";
    assert_eq!(apply(text, &Mutation::DeleteLine(0)), "b:\n  c: x\n");
    assert_eq!(apply(text, &Mutation::Retype(2, 0)), "a: 1\nb:\n  c: 42\n");
    assert_eq!(
        apply(text, &Mutation::RenameKey(0, 1)),
        "xa: 1\nb:\n  c: x\n"
    );
    assert_eq!(apply(text, &Mutation::Truncate(3)), "a: ");
}
