//! A draft spec as YAML text: everything the sample shows, and a `TODO` comment on every
//! line the author must finish (the sample cannot say the base URL, the auth or the path).

use super::infer::{Field, Object, Sample, Shape};
use std::fmt::Write;

/// Text-valued fields, by common names, and the `Customer` field they usually fill.
const NAME_GUESSES: &[(&str, &[&str])] = &[
    (
        "full_name",
        &["name", "full_name", "fullname", "display_name"],
    ),
    ("given_name", &["first_name", "given_name", "firstname"]),
    (
        "family_name",
        &["last_name", "family_name", "lastname", "surname"],
    ),
    ("code", &["code", "customer_code"]),
];

/// The draft spec for provider `name` from `sample`, read from `sample_file`.
pub fn draft(name: &str, sample_file: &str, sample: &Sample) -> String {
    let mut out = String::new();
    let title = title_case(name);
    let _ = writeln!(
        out,
        "# yaml-language-server: $schema=../schema/custkit-spec.schema.json"
    );
    let _ = writeln!(out, "#");
    let _ = writeln!(
        out,
        "# Draft spec for {title}, scaffolded by `custkit scaffold` from {sample_file}."
    );
    let _ = writeln!(
        out,
        "# Finish every TODO, then run `custkit check specs/{name}.yaml` (docs/spec-format.md)."
    );
    let _ = writeln!(out, "version: 1");
    let _ = writeln!(out, "provider: {name}");
    let _ = writeln!(out, "title: {}", scalar(&title));
    let _ = writeln!(out, "base_url: https://TODO.example  # TODO: the API's base URL; `{{name}}` parts become `variables`");
    let _ = writeln!(out, "auth:");
    let _ = writeln!(
        out,
        "  kind: none  # TODO: bearer, header (with `name`), query or basic"
    );
    let _ = writeln!(out, "endpoints:");
    let _ = writeln!(out, "  list_customers:");
    let _ = writeln!(out, "    method: GET  # TODO: GET or POST, as documented");
    let _ = writeln!(
        out,
        "    path: /TODO  # TODO: the endpoint's path; add `params:` for its filters"
    );
    for hint in &sample.paging_hints {
        let _ = writeln!(
            out,
            "    # TODO: the sample has `{hint}`: describe the paging under `pagination:`"
        );
    }
    let _ = writeln!(out, "    records:");
    let _ = writeln!(out, "      path: {}", scalar(&sample.records_path));
    if sample.single {
        let _ = writeln!(out, "      shape: object");
    }
    let _ = writeln!(out, "record:");
    if sample.record.fields.is_empty() {
        let _ = writeln!(
            out,
            "  id: integer  # TODO: the sample had no record fields"
        );
    }
    fields(&mut out, &sample.record, 1);
    normalize(&mut out, &sample.record);
    let _ = writeln!(out, "examples:");
    let _ = writeln!(out, "  - endpoint: list_customers");
    let _ = writeln!(
        out,
        "    file: examples/{name}/list_customers.json  # TODO: save the sample here, verbatim"
    );
    out
}

fn fields(out: &mut String, object: &Object, depth: usize) {
    for (key, field) in &object.fields {
        field_lines(out, key, field, object.seen, depth);
    }
}

fn field_lines(out: &mut String, key: &str, field: &Field, parent_seen: usize, depth: usize) {
    let pad = "  ".repeat(depth);
    let key = scalar(key);
    let nullable = field.nullable(parent_seen);
    let optional = if nullable { "?" } else { "" };
    match &field.shape {
        Shape::Unknown => {
            let _ = writeln!(
                out,
                "{pad}{key}: json  # TODO: always null in the sample; give its type"
            );
        }
        Shape::Mixed(kinds) => {
            let _ = writeln!(
                out,
                "{pad}{key}: json  # TODO: the sample has {} here; narrow the type if you can",
                kinds.join(" and ")
            );
        }
        Shape::EmptyArray => {
            let _ = writeln!(
                out,
                "{pad}{key}: json  # TODO: only `[]` in the sample; declare the item type (`string[]`, or `array: {{ object: ... }}`)"
            );
        }
        Shape::Array(item) => match scalar_word(item) {
            Some(word) => {
                let _ = writeln!(out, "{pad}{key}: {word}[]{optional}");
            }
            None => {
                let _ = writeln!(out, "{pad}{key}:");
                let _ = writeln!(out, "{pad}  array:");
                item_lines(out, item, depth + 2);
                if nullable {
                    let _ = writeln!(out, "{pad}  nullable: true");
                }
            }
        },
        Shape::Object(object) => {
            let _ = writeln!(out, "{pad}{key}:");
            let _ = writeln!(out, "{pad}  object:");
            fields(out, object, depth + 2);
            if object.empty_array_seen {
                let _ = writeln!(
                    out,
                    "{pad}  empty_array_is_null: true  # the sample sends `[]` when it is empty"
                );
            }
            if nullable {
                let _ = writeln!(out, "{pad}  nullable: true");
            }
        }
        scalar_shape => {
            let word = scalar_word(scalar_shape).unwrap_or("json");
            let _ = writeln!(out, "{pad}{key}: {word}{optional}");
        }
    }
}

/// The item of an array that is not a plain scalar array, as a full-form field.
fn item_lines(out: &mut String, item: &Shape, depth: usize) {
    let pad = "  ".repeat(depth);
    match item {
        Shape::Object(object) => {
            let _ = writeln!(out, "{pad}object:");
            fields(out, object, depth + 1);
        }
        Shape::Array(inner) => {
            let _ = writeln!(out, "{pad}array:");
            item_lines(out, inner, depth + 1);
        }
        _ => {
            let _ = writeln!(
                out,
                "{pad}type: json  # TODO: the items' type varies in the sample"
            );
        }
    }
}

fn scalar_word(shape: &Shape) -> Option<&'static str> {
    Some(match shape {
        Shape::Boolean => "boolean",
        Shape::Integer => "integer",
        Shape::Number => "number",
        Shape::String => "string",
        _ => return None,
    })
}

/// A first mapping into `Customer` from fields with telling names; the rest is the author's.
fn normalize(out: &mut String, record: &Object) {
    let text_field = |names: &[&str]| {
        record
            .fields
            .iter()
            .find(|(key, field)| {
                names.contains(&key.to_lowercase().as_str()) && field.shape == Shape::String
            })
            .map(|(key, _)| key.clone())
    };
    let scalar_field = |names: &[&str]| {
        record
            .fields
            .iter()
            .find(|(key, field)| {
                names.contains(&key.to_lowercase().as_str())
                    && matches!(field.shape, Shape::String | Shape::Integer)
            })
            .map(|(key, _)| key.clone())
    };
    let _ = writeln!(out, "normalize:");
    match scalar_field(&["id", "customer_id", "uuid", "_id"]) {
        Some(id) => {
            let _ = writeln!(out, "  remote_id: {}", scalar(&id));
        }
        None => {
            let first = record
                .fields
                .first()
                .map(|(key, _)| key.clone())
                .unwrap_or_else(|| "id".to_string());
            let _ = writeln!(
                out,
                "  remote_id: {}  # TODO: the field that identifies a customer",
                scalar(&first)
            );
        }
    }
    for (target, names) in NAME_GUESSES {
        if let Some(source) = text_field(names) {
            let _ = writeln!(out, "  {target}: {}", scalar(&source));
        }
    }
    if let Some(email) = text_field(&["email", "email_address"]) {
        let _ = writeln!(out, "  emails:");
        let _ = writeln!(out, "    - address: {}", scalar(&email));
    }
    if let Some(phone) = text_field(&["phone", "mobile", "phone_number"]) {
        let _ = writeln!(out, "  phones:");
        let _ = writeln!(out, "    - number: {}", scalar(&phone));
    }
    let _ = writeln!(
        out,
        "  # TODO: map the other fields (dates need `date:`/`datetime:`, money a currency)"
    );
}

/// `text` as a YAML scalar: plain when that reads back as the same text, else quoted.
fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ' '))
        && !text.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == ' ' || c == '.')
        && !text.ends_with(' ')
        && !matches!(
            text.to_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
    }
}

fn title_case(name: &str) -> String {
    name.split('_')
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(scalar("data"), "data");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("1st"), "\"1st\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(title_case("thai_pos"), "Thai Pos");
    }
}
