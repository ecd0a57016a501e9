//! What a sample response says about its records: where they are, and each field's type
//! as seen across every record (nullable when `null` or absent somewhere, `[]` where an
//! object is expected elsewhere, integers widened to numbers when both appear).

use serde_json::Value;

/// A field's type as far as the sample shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Only `null` was seen.
    Unknown,
    /// `true`/`false`.
    Boolean,
    /// Whole numbers only.
    Integer,
    /// Numbers with fractions (or a mix with whole numbers).
    Number,
    /// Text.
    String,
    /// Arrays, with their items' shape.
    Array(Box<Shape>),
    /// Only `[]` was seen: the item type is unknown.
    EmptyArray,
    /// An object.
    Object(Object),
    /// Conflicting kinds (text in one record, a number in another): the types seen.
    Mixed(Vec<&'static str>),
}

/// The fields of an object, in first-seen order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    /// The fields.
    pub fields: Vec<(String, Field)>,
    /// How many times an object was seen here (to tell absent keys).
    pub seen: usize,
    /// Whether `[]` was also sent here, for an empty object.
    pub empty_array_seen: bool,
}

/// One field of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its type.
    pub shape: Shape,
    /// How many objects had the key.
    pub present: usize,
    /// Whether `null` was seen.
    pub null_seen: bool,
}

impl Field {
    /// Whether the field may be `null` or absent, given how often its object was seen.
    pub fn nullable(&self, parent_seen: usize) -> bool {
        self.null_seen || self.present < parent_seen
    }
}

/// Where the records are in the sample, and what they look like.
#[derive(Debug)]
pub struct Sample {
    /// Dotted path to the records (`""` for the body).
    pub records_path: String,
    /// Whether the path holds one record rather than an array.
    pub single: bool,
    /// The records' merged shape.
    pub record: Object,
    /// Dotted paths of paging hints found in the body (`meta.last_page`).
    pub paging_hints: Vec<String>,
}

/// Reads a sample response.
pub fn sample(body: &Value) -> Sample {
    let (records_path, single) = match body {
        Value::Array(_) => (String::new(), false),
        _ => match largest_record_array(body, "", 0) {
            Some((path, _)) => (path, false),
            None => (single_record_key(body).unwrap_or_default(), true),
        },
    };
    let at = if records_path.is_empty() {
        Some(body)
    } else {
        records_path
            .split('.')
            .try_fold(body, |value, key| value.get(key))
    };
    let mut record = Object::default();
    match at {
        Some(Value::Array(items)) => {
            for item in items {
                if let Value::Object(map) = item {
                    merge_object(&mut record, map);
                }
            }
        }
        Some(Value::Object(map)) => merge_object(&mut record, map),
        _ => {}
    }
    let mut paging_hints = Vec::new();
    find_paging(body, "", &records_path, &mut paging_hints);
    Sample {
        records_path,
        single,
        record,
        paging_hints,
    }
}

/// The array of objects with the most items (shallowest on a tie), up to three levels down.
fn largest_record_array(value: &Value, path: &str, depth: usize) -> Option<(String, usize)> {
    let Value::Object(map) = value else {
        return None;
    };
    let mut best: Option<(String, usize)> = None;
    for (key, child) in map {
        let child_path = join(path, key);
        let candidate = match child {
            Value::Array(items) if items.iter().any(Value::is_object) => {
                Some((child_path, items.len()))
            }
            Value::Object(_) if depth < 3 => largest_record_array(child, &child_path, depth + 1),
            _ => None,
        };
        if let Some(candidate) = candidate {
            if best.as_ref().is_none_or(|(_, count)| candidate.1 > *count) {
                best = Some(candidate);
            }
        }
    }
    best
}

/// An envelope's one-record key (`{"status": ..., "data": {...}}`).
fn single_record_key(body: &Value) -> Option<String> {
    ["data", "customer", "result", "record", "item"]
        .into_iter()
        .find(|key| body.get(key).is_some_and(Value::is_object))
        .map(str::to_string)
}

fn find_paging(value: &Value, path: &str, records_path: &str, found: &mut Vec<String>) {
    let Value::Object(map) = value else { return };
    for (key, child) in map {
        let child_path = join(path, key);
        if child_path == records_path {
            continue;
        }
        let paging = matches!(
            key.as_str(),
            "last_page"
                | "total_pages"
                | "next_cursor"
                | "cursor"
                | "has_more"
                | "next"
                | "next_page_url"
        );
        if paging {
            found.push(child_path.clone());
        }
        find_paging(child, &child_path, records_path, found);
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn merge_object(object: &mut Object, map: &serde_json::Map<String, Value>) {
    object.seen += 1;
    for (key, value) in map {
        let index = match object.fields.iter().position(|(name, _)| name == key) {
            Some(index) => index,
            None => {
                object.fields.push((
                    key.clone(),
                    Field {
                        shape: Shape::Unknown,
                        present: 0,
                        null_seen: false,
                    },
                ));
                object.fields.len() - 1
            }
        };
        let field = &mut object.fields[index].1;
        field.present += 1;
        if value.is_null() {
            field.null_seen = true;
            continue;
        }
        let shape = std::mem::replace(&mut field.shape, Shape::Unknown);
        field.shape = merge(shape, value);
    }
}

fn kind(shape: &Shape) -> &'static str {
    match shape {
        Shape::Unknown => "null",
        Shape::Boolean => "boolean",
        Shape::Integer => "integer",
        Shape::Number => "number",
        Shape::String => "string",
        Shape::Array(_) | Shape::EmptyArray => "array",
        Shape::Object(_) => "object",
        Shape::Mixed(_) => "mixed",
    }
}

/// The shape so far, widened by one more value.
fn merge(shape: Shape, value: &Value) -> Shape {
    match (shape, value) {
        (shape, Value::Null) => shape,
        (Shape::Unknown | Shape::Boolean, Value::Bool(_)) => Shape::Boolean,
        (Shape::Unknown | Shape::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => {
            Shape::Integer
        }
        (Shape::Unknown | Shape::Integer | Shape::Number, Value::Number(_)) => Shape::Number,
        (Shape::Unknown | Shape::String, Value::String(_)) => Shape::String,
        (Shape::Unknown | Shape::EmptyArray, Value::Array(items)) if items.is_empty() => {
            Shape::EmptyArray
        }
        (Shape::Object(mut object), Value::Array(items)) if items.is_empty() => {
            object.empty_array_seen = true;
            Shape::Object(object)
        }
        (Shape::Array(item), Value::Array(items)) => {
            Shape::Array(Box::new(items.iter().fold(*item, merge)))
        }
        (Shape::Unknown | Shape::EmptyArray, Value::Array(items)) => {
            Shape::Array(Box::new(items.iter().fold(Shape::Unknown, merge)))
        }
        (Shape::Unknown, Value::Object(map)) => {
            let mut object = Object::default();
            merge_object(&mut object, map);
            Shape::Object(object)
        }
        (Shape::EmptyArray, Value::Object(map)) => {
            let mut object = Object {
                empty_array_seen: true,
                ..Object::default()
            };
            merge_object(&mut object, map);
            Shape::Object(object)
        }
        (Shape::Object(mut object), Value::Object(map)) => {
            merge_object(&mut object, map);
            Shape::Object(object)
        }
        (shape, value) => {
            let mut kinds = match shape {
                Shape::Mixed(kinds) => kinds,
                other => vec![kind(&other)],
            };
            let new = kind(&merge(Shape::Unknown, value));
            if !kinds.contains(&new) {
                kinds.push(new);
            }
            Shape::Mixed(kinds)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_records_and_infers_types_across_them() {
        let body = json!({
            "data": [
                { "id": 1, "name": "A", "score": 1, "creator": [], "tags": [] },
                { "id": 2, "name": null, "score": 1.5, "creator": { "id": 3 }, "tags": ["x"] },
                { "id": 3, "score": "n/a", "creator": [], "tags": [] }
            ],
            "meta": { "last_page": 4 }
        });
        let sample = sample(&body);
        assert_eq!(sample.records_path, "data");
        assert!(!sample.single);
        assert_eq!(sample.paging_hints, ["meta.last_page"]);
        let field = |name: &str| {
            sample
                .record
                .fields
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, field)| field.clone())
                .unwrap()
        };
        assert_eq!(field("id").shape, Shape::Integer);
        assert!(!field("id").nullable(3));
        assert!(field("name").nullable(3));
        assert_eq!(field("score").shape, Shape::Mixed(vec!["number", "string"]));
        assert_eq!(field("tags").shape, Shape::Array(Box::new(Shape::String)));
        match field("creator").shape {
            Shape::Object(object) => assert!(object.empty_array_seen),
            other => panic!("creator is {other:?}"),
        }
    }

    #[test]
    fn a_bare_object_is_one_record() {
        let sample = sample(&json!({ "id": "x", "email": "a@b.c" }));
        assert!(sample.single);
        assert_eq!(sample.records_path, "");
        assert_eq!(sample.record.fields.len(), 2);
        let enveloped = sample_of_envelope();
        assert_eq!(
            (enveloped.records_path.as_str(), enveloped.single),
            ("data", true)
        );
    }

    fn sample_of_envelope() -> Sample {
        sample(&json!({ "code": 200, "data": { "id": 1 } }))
    }
}
