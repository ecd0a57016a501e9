//! Deserializing a [`Spec`] from its value tree while collecting *every* shape error.
//!
//! serde stops at the first error. To report them all, each error's entry is cut out of
//! the tree (a bad endpoint, a bad record field, an unknown key) and deserialization runs
//! again, until the rest is well-formed. What was cut is remembered as *damaged*, so the
//! semantic checks can skip what depends on it instead of reporting consequences of an
//! error already reported. A required top-level section that had to be cut is replaced by
//! a neutral placeholder, so one bad section does not hide the others' errors.

use crate::diagnostic::did_you_mean;
use crate::spec::Spec;
use serde_json::Value;
use serde_path_to_error::Segment;
use std::collections::HashMap;

/// Enough for any real spec; a guard against a loop that makes no progress.
const MAX_ROUNDS: usize = 500;

/// Where in the text a shape error should point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// At the key (unknown or missing keys).
    Key,
    /// At the value (wrong types and values).
    Value,
}

/// One shape error: the key path in the original tree and serde's message.
#[derive(Debug, Clone)]
pub struct ShapeError {
    /// Dotted path in the spec as written.
    pub key_path: String,
    /// Where to point.
    pub anchor: Anchor,
    /// serde's message.
    pub message: String,
}

/// The outcome: the spec if one could be formed, the errors, and what was cut.
#[derive(Debug)]
pub struct Recovered {
    /// The spec, complete when `errors` is empty, otherwise with damaged parts removed.
    pub spec: Option<Spec>,
    /// Every shape error, in the order found.
    pub errors: Vec<ShapeError>,
    /// Paths (as written) that were cut or replaced.
    pub damaged: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn joined(segments: &[Seg]) -> String {
    segments
        .iter()
        .map(|segment| match segment {
            Seg::Key(key) => key.clone(),
            Seg::Index(index) => index.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// A neutral stand-in for a required top-level section that had to be cut.
fn placeholder(key: &str) -> Option<Value> {
    Some(match key {
        "version" => Value::from(1),
        "provider" | "title" => Value::from("placeholder"),
        "base_url" => Value::from("https://placeholder.invalid"),
        "auth" => serde_json::json!({ "kind": "none" }),
        "endpoints" | "record" => serde_json::json!({}),
        "normalize" => serde_json::json!({ "remote_id": { "const": "" } }),
        _ => return None,
    })
}

struct Recovery {
    tree: Value,
    /// For each array (path as written), the original indexes of items cut from it.
    removed: HashMap<String, Vec<usize>>,
    /// Paths (as written) that were cut.
    cut: Vec<String>,
    /// Unknown keys cut, with the key their name suggests, by parent path: a later
    /// "missing key" for the suggested name is the same mistake.
    misspelled: Vec<(String, String)>,
    errors: Vec<ShapeError>,
}

/// Deserializes `tree`, collecting every shape error.
pub fn recover(tree: Value) -> Recovered {
    let mut recovery = Recovery {
        tree,
        removed: HashMap::new(),
        cut: Vec::new(),
        misspelled: Vec::new(),
        errors: Vec::new(),
    };
    let mut spec = None;
    for _ in 0..MAX_ROUNDS {
        match serde_path_to_error::deserialize::<_, Spec>(recovery.tree.clone()) {
            Ok(parsed) => {
                spec = Some(parsed);
                break;
            }
            Err(error) => {
                let path = error
                    .path()
                    .iter()
                    .map_while(|segment| match segment {
                        Segment::Map { key } => Some(Seg::Key(key.clone())),
                        Segment::Seq { index } => Some(Seg::Index(*index)),
                        _ => None,
                    })
                    .collect::<Vec<_>>();
                let message = error.into_inner().to_string();
                if !recovery.handle(path, message) {
                    break;
                }
            }
        }
    }
    Recovered {
        spec,
        errors: recovery.errors,
        damaged: recovery.cut,
    }
}

impl Recovery {
    /// Records one error and cuts its entry; `false` when nothing more can be done.
    fn handle(&mut self, mut path: Vec<Seg>, message: String) -> bool {
        if let Some(unknown) = backticked(&message, "unknown field `") {
            if path.last() != Some(&Seg::Key(unknown.to_string())) {
                path.push(Seg::Key(unknown.to_string()));
            }
            let written = self.written(&path);
            let parent = joined(&self.written_segments(&path[..path.len() - 1]));
            if let Some(suggested) = did_you_mean(unknown, &expected_names(&message)) {
                self.misspelled.push((parent, suggested.to_string()));
            }
            self.errors.push(ShapeError {
                key_path: written,
                anchor: Anchor::Key,
                message,
            });
            return self.cut(&path);
        }
        if let Some(missing) = backticked(&message, "missing field `") {
            let parent = self.written(&path);
            let child = join(&parent, missing);
            let consequence = self.cut.contains(&child)
                || self
                    .misspelled
                    .iter()
                    .any(|(owner, suggested)| *owner == parent && suggested == missing);
            if !consequence {
                self.errors.push(ShapeError {
                    key_path: parent,
                    anchor: Anchor::Key,
                    message: message.clone(),
                });
            }
            if path.is_empty() {
                let Some(stand_in) = placeholder(missing) else {
                    return false;
                };
                if let Value::Object(map) = &mut self.tree {
                    map.insert(missing.to_string(), stand_in);
                }
                self.cut.push(missing.to_string());
                return true;
            }
            return self.cut(&path);
        }
        let mut written = self.written(&path);
        if message.contains("variant") {
            // Internally tagged enums (`auth`, `pagination`) report at the mapping; the
            // mistake is in its `kind`.
            if let Some(Value::Object(map)) = self.get(&path) {
                if map.contains_key("kind") {
                    written = join(&written, "kind");
                }
            }
        }
        self.errors.push(ShapeError {
            key_path: written,
            anchor: Anchor::Value,
            message,
        });
        if path.is_empty() {
            return false;
        }
        self.cut(&path)
    }

    /// The path as written in the spec, for a path into the current (cut) tree.
    fn written_segments(&self, path: &[Seg]) -> Vec<Seg> {
        let mut written: Vec<Seg> = Vec::new();
        for segment in path {
            match segment {
                Seg::Key(key) => written.push(Seg::Key(key.clone())),
                Seg::Index(index) => {
                    let mut original = *index;
                    if let Some(removed) = self.removed.get(&joined(&written)) {
                        for gone in removed {
                            if *gone <= original {
                                original += 1;
                            }
                        }
                    }
                    written.push(Seg::Index(original));
                }
            }
        }
        written
    }

    fn written(&self, path: &[Seg]) -> String {
        joined(&self.written_segments(path))
    }

    fn get(&self, path: &[Seg]) -> Option<&Value> {
        path.iter()
            .try_fold(&self.tree, |value, segment| match segment {
                Seg::Key(key) => value.get(key.as_str()),
                Seg::Index(index) => value.get(*index),
            })
    }

    /// Removes the entry at `path` from the current tree and marks it damaged.
    fn cut(&mut self, path: &[Seg]) -> bool {
        let Some((last, parent_path)) = path.split_last() else {
            return false;
        };
        let written_parent = self.written(parent_path);
        let written_segments = self.written_segments(path);
        let written = joined(&written_segments);
        let original = match written_segments.last() {
            Some(Seg::Index(original)) => *original,
            _ => 0,
        };
        let Some(parent) = parent_path
            .iter()
            .try_fold(&mut self.tree, |value, segment| match segment {
                Seg::Key(key) => value.get_mut(key.as_str()),
                Seg::Index(index) => value.get_mut(*index),
            })
        else {
            return false;
        };
        let removed = match (parent, last) {
            (Value::Object(map), Seg::Key(key)) => map.shift_remove(key.as_str()).is_some(),
            (Value::Array(items), Seg::Index(index)) if *index < items.len() => {
                items.remove(*index);
                let list = self.removed.entry(written_parent).or_default();
                list.push(original);
                list.sort_unstable();
                true
            }
            _ => false,
        };
        if removed {
            self.cut.push(written);
        }
        removed
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The text between `prefix` and the next backtick.
pub(super) fn backticked<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let start = message.find(prefix)? + prefix.len();
    let end = message[start..].find('`')? + start;
    Some(&message[start..end])
}

/// The backticked names after "expected" (`expected one of `a`, `b``, `expected `a` or `b``).
pub(super) fn expected_names(message: &str) -> Vec<&str> {
    let Some(start) = message.find(", expected ") else {
        return Vec::new();
    };
    message[start..].split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_tree(yaml: &str) -> Value {
        super::super::tree::build(yaml).value.unwrap()
    }

    /// Tourwell's spec with `breakage` applied, recovered, and the key paths of its errors.
    fn recover_tourwell(breakage: impl Fn(String) -> String) -> (Recovered, Vec<String>) {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../specs/tourwell.yaml"
        ))
        .unwrap();
        let recovered = recover(spec_tree(&breakage(text)));
        let paths = recovered
            .errors
            .iter()
            .map(|error| error.key_path.clone())
            .collect();
        (recovered, paths)
    }

    #[test]
    fn reports_errors_in_several_sections_at_once() {
        let (recovered, paths) = recover_tourwell(|text| {
            text.replace("method: GET", "method: GETT")
                .replace("  id: integer\n", "  id: integr\n")
                .replace("  full_name: name\n", "  full_nme: name\n")
        });
        assert_eq!(
            paths,
            [
                "endpoints.list_customers.method",
                "record.id",
                "normalize.full_nme"
            ]
        );
        assert!(recovered.spec.is_some());
        assert!(recovered
            .damaged
            .contains(&"endpoints.list_customers".to_string()));
    }

    #[test]
    fn list_items_keep_their_written_index_after_a_cut() {
        let (_, paths) = recover_tourwell(|text| {
            text.replace(
                "- { address: email.primary, kind: primary }",
                "- { addres: x }",
            )
            .replace(
                "- { address: email.secondary, kind: secondary }",
                "- { address: email.secondary, knd: secondary }",
            )
        });
        assert_eq!(
            paths,
            ["normalize.emails.0.addres", "normalize.emails.1.knd"]
        );
    }
}
