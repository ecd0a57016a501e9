//! How the sandbox applies request parameters as filters.
//!
//! A parameter filters when its name leads to a record field: the key itself (`name`),
//! or nested keys joined by `_` or `.` (`agent_level_id` → `agent_level.id`). A body
//! parameter nested in a request object (`search.name`) may also name the field by its
//! last part (`name`). Text matches case-insensitively as a substring, anywhere inside an
//! object or array (so `email` matches either of `email.primary`, `email.secondary`);
//! numbers and booleans match exactly. A parameter whose name is no field but whose
//! documented example is the value of an example record's field (`customer_id`, example
//! `662c…`, is the record's `_id`) looks that field up: the whole value, case-insensitively.
//! Date and date-time parameters, and parameters that find no field, do not filter.

use custkit::runtime::http::{ParamKind, ParamSpec};
use serde_json::Value;

/// The field of `record` that parameter `name` names, if any.
pub fn field<'a>(record: &'a Value, name: &str) -> Option<&'a Value> {
    path_field(record, name).or_else(|| {
        let (_, last) = name.rsplit_once('.')?;
        path_field(record, last)
    })
}

fn path_field<'a>(record: &'a Value, name: &str) -> Option<&'a Value> {
    let object = record.as_object()?;
    if let Some(value) = object.get(name) {
        return Some(value);
    }
    object.iter().find_map(|(key, child)| {
        let rest = name.strip_prefix(key.as_str())?;
        let rest = rest.strip_prefix('_').or_else(|| rest.strip_prefix('.'))?;
        path_field(child, rest)
    })
}

/// The object keys leading to the leaf of `record` whose value is `example`, if any.
pub fn path_of_example(record: &Value, example: &str) -> Option<Vec<String>> {
    match record {
        Value::Object(object) => object.iter().find_map(|(key, child)| {
            let mut path = path_of_example(child, example)?;
            path.insert(0, key.clone());
            Some(path)
        }),
        Value::String(text) if text == example => Some(Vec::new()),
        Value::Number(number) if number.to_string() == example => Some(Vec::new()),
        _ => None,
    }
}

/// The value at the object keys `path`.
pub fn at<'a>(record: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(record, |value, key| value.get(key))
}

/// Whether `value` is `wanted` exactly (text case-insensitively).
pub fn equals(value: &Value, wanted: &str) -> bool {
    match value {
        Value::String(text) => text.to_lowercase() == wanted.to_lowercase(),
        Value::Number(number) => number.to_string() == wanted,
        _ => false,
    }
}

/// Whether a parameter of this type can filter at all.
pub fn filters(param: &ParamSpec) -> bool {
    !matches!(param.kind, ParamKind::Date(_) | ParamKind::DateTime(_))
}

/// Whether `value` matches the parameter text `wanted`.
pub fn matches(value: &Value, wanted: &str) -> bool {
    match value {
        Value::String(text) => text.to_lowercase().contains(&wanted.to_lowercase()),
        Value::Number(number) => {
            number.to_string() == wanted
                || matches!((number.as_f64(), wanted.parse::<f64>()), (Some(a), Ok(b)) if a == b)
        }
        Value::Bool(flag) => flag.to_string() == wanted,
        Value::Array(items) => items.iter().any(|item| matches(item, wanted)),
        Value::Object(object) => object.values().any(|item| matches(item, wanted)),
        Value::Null => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_lead_to_nested_fields() {
        let record = json!({"name": "Thân Thị Cẩm Lệ", "agent_level": {"id": 2},
                            "email": {"primary": "A@x.vn", "secondary": ""}});
        assert_eq!(field(&record, "agent_level_id"), Some(&json!(2)));
        assert!(matches(field(&record, "name").unwrap(), "cẩm lệ"));
        assert!(matches(field(&record, "email").unwrap(), "a@x.vn"));
        assert!(!matches(field(&record, "agent_level_id").unwrap(), "1"));
        assert!(field(&record, "has_account").is_none());
        assert!(matches(field(&record, "search.name").unwrap(), "Thân"));
    }

    #[test]
    fn an_example_value_finds_the_field_a_lookup_names() {
        let record = json!({"_id": "662c", "contact": {"phone": "0363"}, "n": 7});
        assert_eq!(
            path_of_example(&record, "662c"),
            Some(vec!["_id".to_string()])
        );
        let phone = path_of_example(&record, "0363").unwrap();
        assert_eq!(phone, ["contact", "phone"]);
        assert!(equals(at(&record, &phone).unwrap(), "0363"));
        assert!(!equals(at(&record, &phone).unwrap(), "036"));
        assert_eq!(path_of_example(&record, "7"), Some(vec!["n".to_string()]));
        assert_eq!(path_of_example(&record, "nope"), None);
    }
}
