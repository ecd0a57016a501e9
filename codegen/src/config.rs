//! The build-script entry point.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::generate;
use crate::load::{self, SourceSpec};
use crate::validate;
use std::path::{Path, PathBuf};

/// Which specs to generate, and where to. Mirrors `prost_build::Config`.
#[derive(Debug, Clone)]
pub struct Config {
    specs: Vec<PathBuf>,
    specs_dirs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    runtime_path: String,
    display_root: Option<PathBuf>,
    emit_rerun: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            specs: Vec::new(),
            specs_dirs: Vec::new(),
            out_dir: None,
            runtime_path: "::custkit_runtime".to_string(),
            display_root: None,
            emit_rerun: true,
        }
    }
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The file name inside the output directory.
    pub name: String,
    /// Its content.
    pub content: String,
}

impl Config {
    /// A configuration with no specs yet.
    pub fn new() -> Config {
        Config::default()
    }

    /// Adds one spec file.
    pub fn spec(mut self, path: impl Into<PathBuf>) -> Config {
        self.specs.push(path.into());
        self
    }

    /// Adds every `*.yaml`/`*.yml` file in a directory (not recursive).
    pub fn specs_dir(mut self, dir: impl Into<PathBuf>) -> Config {
        self.specs_dirs.push(dir.into());
        self
    }

    /// Where to write (default: `$OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Config {
        self.out_dir = Some(dir.into());
        self
    }

    /// The path generated code uses to reach `custkit-runtime` (default
    /// `::custkit_runtime`), for crates that re-export it.
    pub fn runtime_path(mut self, path: impl Into<String>) -> Config {
        self.runtime_path = path.into();
        self
    }

    /// Shows spec paths in diagnostics relative to this directory (a workspace root).
    pub fn display_root(mut self, dir: impl Into<PathBuf>) -> Config {
        self.display_root = Some(dir.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (default: yes).
    pub fn emit_rerun_if_changed(mut self, emit: bool) -> Config {
        self.emit_rerun = emit;
        self
    }

    /// The spec files this configuration names, sorted and deduplicated.
    pub fn spec_files(&self) -> Result<Vec<PathBuf>, Diagnostics> {
        let mut files = self.specs.clone();
        for dir in &self.specs_dirs {
            let entries = std::fs::read_dir(dir).map_err(|error| {
                let mut diagnostic =
                    Diagnostic::new(format!("cannot read the specs directory: {error}"));
                diagnostic.file = dir.display().to_string();
                Diagnostics(vec![diagnostic])
            })?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path
                    .extension()
                    .is_some_and(|ext| ext == "yaml" || ext == "yml")
                {
                    files.push(path);
                }
            }
        }
        files.sort();
        files.dedup();
        Ok(files)
    }

    fn display(&self, path: &Path) -> String {
        let shown = match &self.display_root {
            Some(root) => {
                let root = root.canonicalize().unwrap_or_else(|_| root.clone());
                let full = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
                full.strip_prefix(&root)
                    .map(Path::to_path_buf)
                    .unwrap_or(full)
            }
            None => path.to_path_buf(),
        };
        shown.display().to_string()
    }

    /// Loads and validates every spec, collecting every error of every spec.
    pub fn check(&self) -> Result<Vec<SourceSpec>, Diagnostics> {
        let files = self.spec_files()?;
        let mut loaded = Vec::new();
        let mut errors = Vec::new();
        for file in &files {
            let display = self.display(file);
            let checked = guard(&display, || {
                let result = load::load(file, display.clone());
                let mut found = result.errors;
                if let Some(source) = &result.source {
                    found.extend(validate::validate(source));
                }
                (result.source, found)
            });
            match checked {
                Ok((source, found)) => {
                    errors.extend(found);
                    loaded.extend(source);
                }
                Err(diagnostic) => errors.push(*diagnostic),
            }
        }
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for source in loaded.iter().filter(|source| source.damaged.is_empty()) {
            if let Some((_, first)) = seen.iter().find(|(name, _)| *name == source.spec.provider) {
                errors.push(source.error_at_value(
                    "provider",
                    Diagnostic::new(format!(
                        "provider `{}` is also defined in {first}",
                        source.spec.provider
                    )),
                ));
            }
            seen.push((&source.spec.provider, &source.display_path));
        }
        if errors.is_empty() {
            Ok(loaded)
        } else {
            Err(Diagnostics(errors))
        }
    }

    /// Generates every file in memory, without writing.
    pub fn generate_files(&self) -> Result<Vec<GeneratedFile>, Diagnostics> {
        let loaded = self.check()?;
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for source in &loaded {
            let generated = guard(&source.display_path, || {
                generate::provider_module(source, &self.runtime_path)
            })
            .map_err(|diagnostic| diagnostic.message);
            match generated.and_then(|result| result) {
                Ok(content) => files.push(GeneratedFile {
                    name: format!("{}.rs", source.spec.provider),
                    content,
                }),
                Err(reason) => errors.push(
                    source.error_at(
                        "provider",
                        Diagnostic::new(format!("cannot generate this provider: {reason}"))
                            .hint("this is a custkit bug; please report it with the spec file"),
                    ),
                ),
            }
        }
        let mut specs: Vec<&crate::spec::Spec> = loaded.iter().map(|source| &source.spec).collect();
        specs.sort_by(|a, b| a.provider.cmp(&b.provider));
        match generate::providers_index(&specs, &self.runtime_path) {
            Ok(content) => files.push(GeneratedFile {
                name: "providers.rs".to_string(),
                content,
            }),
            Err(reason) => errors.push(Diagnostic::new(format!(
                "cannot generate the provider index: {reason}"
            ))),
        }
        if errors.is_empty() {
            Ok(files)
        } else {
            Err(Diagnostics(errors))
        }
    }

    /// Generates every spec into the output directory. Nothing is written unless every
    /// spec is valid; files whose content is unchanged are left untouched, so cargo does
    /// not rebuild needlessly.
    pub fn generate(&self) -> Result<(), Diagnostics> {
        if self.emit_rerun {
            for dir in &self.specs_dirs {
                println!("cargo:rerun-if-changed={}", dir.display());
            }
            for file in self.spec_files().unwrap_or_default() {
                println!("cargo:rerun-if-changed={}", file.display());
            }
        }
        let loaded = self.check();
        if self.emit_rerun {
            for source in loaded.iter().flatten() {
                let dir = source.path.parent().unwrap_or(Path::new("."));
                for example in &source.spec.examples {
                    println!(
                        "cargo:rerun-if-changed={}",
                        dir.join(&example.file).display()
                    );
                }
            }
        }
        let files = self.generate_files()?;
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Diagnostics(vec![Diagnostic::new(
                        "OUT_DIR is not set: call generate() from build.rs, or set out_dir",
                    )])
                })?,
        };
        for file in files {
            let path = out_dir.join(&file.name);
            if std::fs::read_to_string(&path).ok().as_deref() == Some(file.content.as_str()) {
                continue;
            }
            std::fs::write(&path, &file.content).map_err(|error| {
                Diagnostics(vec![Diagnostic::new(format!(
                    "cannot write {}: {error}",
                    path.display()
                ))])
            })?;
        }
        Ok(())
    }
}

/// Runs one spec's step, turning a panic (a custkit bug) into a diagnostic naming the
/// spec, so a build never ends in a backtrace. The property tests check that no input
/// reaches this.
fn guard<T>(display: &str, step: impl FnOnce() -> T) -> Result<T, Box<Diagnostic>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).map_err(|payload| {
        let reason = payload
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        let mut diagnostic =
            Diagnostic::new(format!("internal error in custkit-codegen: {reason}"))
                .hint("this is a custkit bug; please report it with the spec file");
        diagnostic.file = display.to_string();
        Box::new(diagnostic)
    })
}
