//! Resolving dotted paths (`phone.primary.number`) against the raw record's fields.

use super::{FieldDef, FieldType, ScalarType};
use indexmap::IndexMap;

/// One hop of a resolved path.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    /// The JSON key.
    pub key: &'a str,
    /// The field's definition; `None` once the path has entered a `json` field.
    pub def: Option<&'a FieldDef>,
}

/// A path resolved against a record type.
#[derive(Debug, Clone)]
pub struct ResolvedPath<'a> {
    /// The hops, in order.
    pub steps: Vec<Step<'a>>,
}

impl<'a> ResolvedPath<'a> {
    /// The type at the end of the path; `None` inside a `json` field.
    pub fn leaf(&self) -> Option<&'a FieldDef> {
        self.steps.last().and_then(|step| step.def)
    }

    /// The scalar type at the end, treating anything inside `json` as `json`.
    pub fn leaf_scalar(&self) -> Option<ScalarType> {
        match self.leaf() {
            None => Some(ScalarType::Json),
            Some(FieldDef {
                ty: FieldType::Scalar(scalar),
                ..
            }) => Some(*scalar),
            Some(_) => None,
        }
    }

    /// The first hop's PII scope: personal data is declared on top-level fields.
    pub fn pii_scope(&self) -> Option<&'a str> {
        self.steps
            .first()
            .and_then(|step| step.def)
            .and_then(|def| def.pii.as_deref())
    }
}

/// The item type of an array field, for `each`.
pub fn array_item(def: &FieldDef) -> Option<&FieldDef> {
    match &def.ty {
        FieldType::Array(item) => Some(item),
        _ => None,
    }
}

/// Resolves `path` in `fields`. `.` (or empty) is the fields' owner itself and resolves
/// to no steps. Errors say which segment is wrong and what was available there.
pub fn resolve<'a>(
    fields: &'a IndexMap<String, FieldDef>,
    path: &'a str,
) -> Result<ResolvedPath<'a>, String> {
    let mut steps = Vec::new();
    if path == "." || path.is_empty() {
        return Ok(ResolvedPath { steps });
    }
    let mut current: Option<&'a IndexMap<String, FieldDef>> = Some(fields);
    let mut in_json = false;
    for key in path.split('.') {
        if in_json {
            steps.push(Step { key, def: None });
            continue;
        }
        let Some(fields) = current else {
            let walked: Vec<&str> = steps.iter().map(|step| step.key).collect();
            return Err(format!(
                "`{}` is not an object, so it has no `{key}`",
                walked.join(".")
            ));
        };
        let Some(def) = fields.get(key) else {
            let walked: Vec<&str> = steps.iter().map(|step| step.key).collect();
            let owner = if walked.is_empty() {
                "the record".to_string()
            } else {
                format!("`{}`", walked.join("."))
            };
            return Err(format!("{owner} declares no field `{key}`"));
        };
        steps.push(Step {
            key,
            def: Some(def),
        });
        current = match &def.ty {
            FieldType::Object(fields) => Some(fields),
            FieldType::Scalar(ScalarType::Json) => {
                in_json = true;
                None
            }
            _ => None,
        };
    }
    Ok(ResolvedPath { steps })
}

/// The keys available in `fields` along `path`'s valid prefix, for did-you-mean hints.
pub fn candidates<'a>(fields: &'a IndexMap<String, FieldDef>, path: &str) -> Vec<&'a str> {
    let mut current = fields;
    let segments: Vec<&str> = path.split('.').collect();
    for key in &segments[..segments.len().saturating_sub(1)] {
        match current.get(*key).map(|def| &def.ty) {
            Some(FieldType::Object(fields)) => current = fields,
            _ => break,
        }
    }
    current.keys().map(String::as_str).collect()
}
