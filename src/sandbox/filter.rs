//! How the sandbox applies request parameters as filters.
//!
//! A parameter filters when its name leads to a record field: the key itself (`name`),
//! or nested keys joined by `_` or `.` (`agent_level_id` → `agent_level.id`). Text
//! A body parameter nested in a request object (`search.name`) may also name the field
//! by its last part (`name`). Text
//! matches case-insensitively as a substring, anywhere inside an object or array (so
//! `email` matches either of `email.primary`, `email.secondary`); numbers and booleans
//! match exactly. Date and date-time parameters, and parameters that name no field, do
//! not filter.

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
}
