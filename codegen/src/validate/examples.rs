//! Example responses: they exist, are JSON, and have records and paging fields where the
//! spec says. This is how a wrong `records` or `last_page` path is caught at build time.

use super::Checker;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::spec::Pagination;

pub(super) fn check(checker: &mut Checker<'_>) {
    let spec = &checker.source.spec;
    let endpoints: Vec<&str> = spec.endpoints.keys().map(String::as_str).collect();
    for (index, example) in spec.examples.iter().enumerate() {
        let key = format!("examples.{index}");
        let Some(endpoint) = spec.endpoints.get(&example.endpoint) else {
            checker.error_value(
                &format!("{key}.endpoint"),
                Diagnostic::new(format!("`{}` is not an endpoint", example.endpoint))
                    .expected(format!("one of {}", endpoints.join(", ")))
                    .maybe_hint(
                        did_you_mean(&example.endpoint, &endpoints)
                            .map(|best| format!("did you mean `{best}`?")),
                    ),
            );
            continue;
        };
        let body = match read_example(checker.source, &example.file) {
            Ok(body) => body,
            Err(reason) => {
                checker.error_value(
                    &format!("{key}.file"),
                    Diagnostic::new(reason).hint("the path is relative to the spec file"),
                );
                continue;
            }
        };
        let json: serde_json::Value = match serde_json::from_str(&body) {
            Ok(json) => json,
            Err(error) => {
                checker.error_value(
                    &format!("{key}.file"),
                    Diagnostic::new(format!("`{}` is not JSON: {error}", example.file)),
                );
                continue;
            }
        };
        if let Some(flag) = &spec.success {
            if pointer(&json, &flag.path) != Some(&flag.equals) {
                checker.error_value(
                    "success.path",
                    Diagnostic::new(format!(
                        "the example `{}` does not have `{}` equal to {}",
                        example.file, flag.path, flag.equals
                    ))
                    .maybe_hint(near_keys(&json, &flag.path)),
                );
            }
        }
        let endpoint_key = format!("endpoints.{}", example.endpoint);
        if !endpoint.records.path.is_empty() && pointer(&json, &endpoint.records.path).is_none() {
            checker.error_value(
                &format!("{endpoint_key}.records.path"),
                Diagnostic::new(format!(
                    "the example `{}` has nothing at `{}`",
                    example.file, endpoint.records.path
                ))
                .maybe_hint(near_keys(&json, &endpoint.records.path)),
            );
        }
        if let Some(Pagination::PageNumber {
            last_page: Some(path),
            ..
        }) = &endpoint.pagination
        {
            if !pointer(&json, path).is_some_and(serde_json::Value::is_u64) {
                checker.error_value(
                    &format!("{endpoint_key}.pagination.last_page"),
                    Diagnostic::new(format!(
                        "the example `{}` has no whole number at `{path}`",
                        example.file
                    ))
                    .maybe_hint(near_keys(&json, path)),
                );
            }
        }
    }
}

/// Reads an example file named relative to the spec.
pub(crate) fn read_example(source: &crate::load::SourceSpec, file: &str) -> Result<String, String> {
    let dir = source.path.parent().unwrap_or(std::path::Path::new("."));
    std::fs::read_to_string(dir.join(file))
        .map_err(|error| format!("cannot read the example `{file}`: {error}"))
}

fn pointer<'a>(json: &'a serde_json::Value, dotted: &str) -> Option<&'a serde_json::Value> {
    dotted
        .split('.')
        .try_fold(json, |value, key| value.get(key))
}

fn near_keys(json: &serde_json::Value, dotted: &str) -> Option<String> {
    let segments: Vec<&str> = dotted.split('.').collect();
    let parent = segments[..segments.len() - 1]
        .iter()
        .try_fold(json, |value, key| value.get(*key))?;
    let keys: Vec<&str> = parent.as_object()?.keys().map(String::as_str).collect();
    let last = segments.last()?;
    match did_you_mean(last, &keys) {
        Some(best) => Some(format!("did you mean `{best}`?")),
        None => Some(format!("the example has: {}", keys.join(", "))),
    }
}
