//! `custkit check`: the build's spec diagnostics, without a build.

use crate::exit;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Spec files or directories (default: `specs`).
    specs: Vec<PathBuf>,
}

pub fn run(args: CheckArgs) -> u8 {
    let mut config = custkit_codegen::Config::new().emit_rerun_if_changed(false);
    let paths = if args.specs.is_empty() {
        vec![PathBuf::from("specs")]
    } else {
        args.specs
    };
    for path in paths {
        config = if path.is_dir() {
            config.specs_dir(path)
        } else {
            config.spec(path)
        };
    }
    match config.generate_files() {
        Ok(files) => {
            let count = files.len().saturating_sub(1);
            eprintln!(
                "ok: {count} spec{} valid",
                if count == 1 { "" } else { "s" }
            );
            exit::OK
        }
        Err(errors) => {
            eprintln!("{errors}");
            exit::SPEC
        }
    }
}
