//! `custkit scaffold NAME SAMPLE.json`: a draft spec from a provider's sample response,
//! printed for the author to finish. Record types are inferred from every record in the
//! sample; what a sample cannot tell (base URL, auth, path, paging, most of the mapping)
//! is left as `TODO` comments.

mod emit;
mod infer;

use crate::exit;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ScaffoldArgs {
    /// The provider's name: lower snake case, as in `specs/<name>.yaml`.
    name: String,
    /// A response of the provider's customer endpoint, as JSON (from its documentation).
    sample: PathBuf,
}

pub fn run(args: ScaffoldArgs) -> u8 {
    let valid_name = args.name.starts_with(|c: char| c.is_ascii_lowercase())
        && args
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid_name {
        eprintln!(
            "error: `{}` cannot be a provider name: use lower snake case (a-z, 0-9, _), starting with a letter",
            args.name
        );
        return exit::USAGE;
    }
    let text = match std::fs::read_to_string(&args.sample) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: cannot read {}: {error}", args.sample.display());
            return exit::USAGE;
        }
    };
    let body: serde_json::Value = match serde_json::from_str(&text) {
        Ok(body) => body,
        Err(error) => {
            eprintln!(
                "error: {} is not JSON: {error} (save the documented response body alone)",
                args.sample.display()
            );
            return exit::USAGE;
        }
    };
    let sample = infer::sample(&body);
    let file = args
        .sample
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    print!("{}", emit::draft(&args.name, &file, &sample));
    eprintln!(
        "scaffolded {} record field(s) from {}; finish the TODOs, save as specs/{}.yaml, then run `custkit check`",
        sample.record.fields.len(),
        args.sample.display(),
        args.name
    );
    exit::OK
}
