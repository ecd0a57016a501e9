//! YAML text → a value tree, in one pass over the parser's events.
//!
//! The tree is a `serde_json::Value` (mapping keys are text, order is kept), so each part
//! of a spec can be deserialized on its own afterwards. Building it here rather than with
//! serde_yaml gives two things serde_yaml cannot: a duplicate key (two endpoints with the
//! same name) is reported with both positions instead of aborting or silently replacing
//! the first, and a syntax error keeps its exact position.

use super::Position;
use crate::diagnostic::Diagnostic;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};
use yaml_rust2::Yaml;

/// A problem found while reading the YAML itself, before any spec rule.
#[derive(Debug)]
pub struct TreeProblem {
    /// The dotted key path it concerns.
    pub key_path: String,
    /// Where it is.
    pub position: Position,
    /// What is wrong.
    pub diagnostic: Diagnostic,
}

/// The document's value tree (`None` when the text is not YAML or is empty), and the
/// problems found while building it.
#[derive(Debug)]
pub struct Tree {
    /// The first document's value.
    pub value: Option<Value>,
    /// Syntax errors, duplicate keys, keys that are not text.
    pub problems: Vec<TreeProblem>,
}

/// Parses `text` into a [`Tree`].
pub fn build(text: &str) -> Tree {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(error) = parser.load(&mut builder, false) {
        let mark = error.marker();
        builder.problems.push(TreeProblem {
            key_path: String::new(),
            position: Position {
                line: mark.line().max(1),
                column: mark.col() + 1,
                width: 1,
            },
            diagnostic: Diagnostic::new(format!("this is not valid YAML: {}", error.info()))
                .hint("check the indentation and the quoting on this line and the one above"),
        });
        builder.root = None;
    }
    Tree {
        value: builder.root,
        problems: builder.problems,
    }
}

enum Frame {
    Mapping {
        path: String,
        anchor: usize,
        map: Map<String, Value>,
        /// The key whose value comes next; `skip` when its value must be dropped (a
        /// duplicate or a key that is not text).
        key: Option<(String, bool)>,
        /// Where each key was first seen, to point at both copies of a duplicate.
        seen: HashMap<String, Position>,
    },
    Sequence {
        path: String,
        anchor: usize,
        items: Vec<Value>,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Value>,
    anchors: HashMap<usize, Value>,
    problems: Vec<TreeProblem>,
}

fn position(mark: &Marker, width: usize) -> Position {
    Position {
        line: mark.line().max(1),
        column: mark.col() + 1,
        width: width.max(1),
    }
}

fn join(path: &str, segment: &str) -> String {
    if path.is_empty() {
        segment.to_string()
    } else {
        format!("{path}.{segment}")
    }
}

/// A plain (unquoted) scalar's value under YAML's core schema; quoted ones are text.
fn scalar(text: String, style: TScalarStyle, tagged_str: bool) -> Value {
    if style != TScalarStyle::Plain || tagged_str {
        return Value::String(text);
    }
    match Yaml::from_str(&text) {
        Yaml::Integer(number) => Value::Number(number.into()),
        Yaml::Real(real) => real
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or(Value::String(real), Value::Number),
        Yaml::Boolean(flag) => Value::Bool(flag),
        Yaml::Null => Value::Null,
        _ => Value::String(text),
    }
}

impl Builder {
    /// The path of the value that starts now.
    fn child_path(&self) -> String {
        match self.stack.last() {
            Some(Frame::Mapping {
                path,
                key: Some((key, _)),
                ..
            }) => join(path, key),
            Some(Frame::Sequence { path, items, .. }) => join(path, &items.len().to_string()),
            _ => String::new(),
        }
    }

    /// Whether the next value is a mapping key.
    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Mapping { key: None, .. }))
    }

    /// A mapping key was read.
    fn key(&mut self, key: String, mark: &Marker) {
        let width = key.chars().count();
        let mut duplicate = None;
        if let Some(Frame::Mapping {
            path,
            key: slot,
            seen,
            ..
        }) = self.stack.last_mut()
        {
            let here = position(mark, width);
            let skip = match seen.get(&key) {
                Some(first) => {
                    duplicate = Some((join(path, &key), first.line, here));
                    true
                }
                None => {
                    seen.insert(key.clone(), here);
                    false
                }
            };
            *slot = Some((key.clone(), skip));
        }
        if let Some((key_path, first_line, here)) = duplicate {
            self.problems.push(TreeProblem {
                key_path,
                position: here,
                diagnostic: Diagnostic::new(format!("duplicate key `{key}`"))
                    .expected("each key once in its mapping")
                    .hint(format!(
                        "`{key}` is already defined on line {first_line}; rename or remove one of them"
                    )),
            });
        }
    }

    /// A complete value (scalar, alias or finished collection) was read.
    fn value(&mut self, value: Value, anchor: usize, mark: &Marker) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        let mut complex_key = None;
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Sequence { items, .. }) => items.push(value),
            Some(Frame::Mapping { map, key, path, .. }) => match key.take() {
                Some((name, false)) => {
                    map.insert(name, value);
                }
                Some((_, true)) => {}
                None => {
                    // A collection used as a key: never meaningful in a spec.
                    *key = Some((String::new(), true));
                    complex_key = Some(path.clone());
                }
            },
        }
        if let Some(key_path) = complex_key {
            self.problems.push(TreeProblem {
                key_path,
                position: position(mark, 1),
                diagnostic: Diagnostic::new("a key must be text, not a list or a mapping")
                    .hint("write `name: value`"),
            });
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                if self.expects_key() {
                    self.key(text, &mark);
                    return;
                }
                let tagged_str = tag.is_some_and(|tag| tag.suffix == "str");
                self.value(scalar(text, style, tagged_str), anchor, &mark);
            }
            Event::Alias(anchor) => {
                let value = self.anchors.get(&anchor).cloned().unwrap_or(Value::Null);
                if self.expects_key() {
                    let text = match value {
                        Value::String(text) => text,
                        other => other.to_string(),
                    };
                    self.key(text, &mark);
                    return;
                }
                self.value(value, 0, &mark);
            }
            Event::MappingStart(anchor, _) => {
                let path = self.child_path();
                self.stack.push(Frame::Mapping {
                    path,
                    anchor,
                    map: Map::new(),
                    key: None,
                    seen: HashMap::new(),
                });
            }
            Event::SequenceStart(anchor, _) => {
                let path = self.child_path();
                self.stack.push(Frame::Sequence {
                    path,
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let (value, anchor) = match self.stack.pop() {
                    Some(Frame::Mapping { map, anchor, .. }) => (Value::Object(map), anchor),
                    Some(Frame::Sequence { items, anchor, .. }) => (Value::Array(items), anchor),
                    None => return,
                };
                self.value(value, anchor, &mark);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_typed_values_in_order() {
        let tree = build("b: 1\na: [x, 2.5, true, ~, '3']\n");
        assert!(tree.problems.is_empty());
        let value = tree.value.unwrap();
        assert_eq!(value.to_string(), r#"{"b":1,"a":["x",2.5,true,null,"3"]}"#);
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_lines() {
        let tree = build("endpoints:\n  list: 1\n  list: 2\n");
        assert_eq!(tree.problems.len(), 1);
        let problem = &tree.problems[0];
        assert_eq!(problem.key_path, "endpoints.list");
        assert_eq!((problem.position.line, problem.position.column), (3, 3));
        assert!(problem.diagnostic.hint.as_ref().unwrap().contains("line 2"));
        assert_eq!(
            tree.value.unwrap().to_string(),
            r#"{"endpoints":{"list":1}}"#
        );
    }

    #[test]
    fn syntax_errors_are_located() {
        let tree = build("a: [1, 2\nb: 3\n");
        assert!(tree.value.is_none());
        assert_eq!(tree.problems.len(), 1);
        assert!(tree.problems[0].position.line >= 1);
    }

    #[test]
    fn aliases_repeat_their_anchor() {
        let tree = build("a: &x {k: 1}\nb: *x\n");
        assert_eq!(
            tree.value.unwrap().to_string(),
            r#"{"a":{"k":1},"b":{"k":1}}"#
        );
    }
}
