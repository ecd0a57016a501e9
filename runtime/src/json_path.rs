//! Finding values in a response body by key path, without building a `serde_json::Value`
//! of the whole page: one pass over the text finds every path asked for, only the objects
//! along the paths are walked, and what is found stays borrowed JSON text.
//!
//! A page is the hot path of a sync: its records, its next cursor and its page count are
//! all read in the same pass ([`lookup_all`]), the records array split into records as it
//! is scanned, so no byte of a body is scanned twice before a record is decoded.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;

/// What to take at a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    /// The value, as JSON text.
    Value,
    /// The items of an array, each as JSON text, split in the same pass.
    Items,
}

/// What was found at a path (`None` in [`lookup_all`]'s answer when the path is missing
/// or `null`).
#[derive(Debug)]
pub enum Found<'a> {
    /// The value, for [`Take::Value`].
    Value(&'a RawValue),
    /// The array's items, for [`Take::Items`].
    Items(Vec<&'a RawValue>),
    /// [`Take::Items`] found something other than an array.
    NotArray,
}

/// The value at `path` below `doc`, or `None` when a key is missing or `null`.
///
/// Fails when something along the path is not an object.
pub fn lookup<'a>(doc: &'a RawValue, path: &[&str]) -> Result<Option<&'a RawValue>, String> {
    lookup_in(doc.get(), path)
}

/// Like [`lookup`], from JSON text: the text is checked to be JSON along the way, so a
/// response body needs no separate pass to validate it first.
pub fn lookup_in<'a>(text: &'a str, path: &[&str]) -> Result<Option<&'a RawValue>, String> {
    let mut found = lookup_all(text, &[(path, Take::Value)])?;
    Ok(match found.pop().flatten() {
        Some(Found::Value(value)) => Some(value),
        _ => None,
    })
}

/// The value at `path`, deserialized.
pub fn lookup_as<'a, T: Deserialize<'a>>(
    doc: &'a RawValue,
    path: &[&str],
) -> Result<Option<T>, String> {
    lookup_in_as(doc.get(), path)
}

/// Like [`lookup_as`], from JSON text (see [`lookup_in`]).
pub fn lookup_in_as<'a, T: Deserialize<'a>>(
    text: &'a str,
    path: &[&str],
) -> Result<Option<T>, String> {
    parse_found(lookup_in(text, path)?, path)
}

/// A found value deserialized; errors name the path but never quote the value.
pub fn parse_found<'a, T: Deserialize<'a>>(
    found: Option<&'a RawValue>,
    path: &[&str],
) -> Result<Option<T>, String> {
    match found {
        None => Ok(None),
        Some(raw) => serde_json::from_str(raw.get()).map(Some).map_err(|error| {
            format!(
                "`{}`: {}",
                path.join("."),
                crate::record::redacted_reason(&error)
            )
        }),
    }
}

/// Everything `wanted` asks for, in one pass over `text`: for each path, in order, what
/// was found there. The whole text is checked to be JSON.
///
/// Fails when something along a path is not an object. A repeated key reads as its last
/// value; an empty path is the document itself.
pub fn lookup_all<'a>(
    text: &'a str,
    wanted: &[(&[&str], Take)],
) -> Result<Vec<Option<Found<'a>>>, String> {
    let root = Node::tree(wanted);
    let mut state = State {
        found: wanted.iter().map(|_| None).collect(),
        problem: None,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let walked = NodeSeed {
        node: &root,
        state: &mut state,
    }
    .deserialize(&mut deserializer)
    .and_then(|()| deserializer.end());
    match walked {
        Ok(()) => Ok(state.found),
        Err(error) => Err(state.problem.unwrap_or_else(|| error.to_string())),
    }
}

/// The wanted paths as a tree of keys, so one walk serves them all.
struct Node<'w> {
    /// The keys from the document to here, for messages.
    path: &'w [&'w str],
    /// What to take here: the index into the wanted paths, and how.
    takes: Vec<(usize, Take)>,
    /// Wanted keys below, each with its subtree.
    children: Vec<(&'w str, Node<'w>)>,
    /// Every wanted index at or below here: forgotten when a repeated key is read again.
    slots: Vec<usize>,
}

impl<'w> Node<'w> {
    fn tree(wanted: &[(&'w [&'w str], Take)]) -> Node<'w> {
        let mut root = Node::at(&[]);
        for (index, &(path, take)) in wanted.iter().enumerate() {
            let mut node = &mut root;
            node.slots.push(index);
            for depth in 0..path.len() {
                let key = path[depth];
                let child = match node.children.iter().position(|(name, _)| *name == key) {
                    Some(child) => child,
                    None => {
                        node.children.push((key, Node::at(&path[..=depth])));
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[child].1;
                node.slots.push(index);
            }
            node.takes.push((index, take));
        }
        root
    }

    fn at(path: &'w [&'w str]) -> Node<'w> {
        Node {
            path,
            takes: Vec::new(),
            children: Vec::new(),
            slots: Vec::new(),
        }
    }

    fn not_an_object(&self) -> String {
        format!("`{}` is not an object", self.path.join("."))
    }
}

/// What a walk has found so far, and the first problem it met.
struct State<'de> {
    found: Vec<Option<Found<'de>>>,
    problem: Option<String>,
}

impl State<'_> {
    /// Records `problem` and returns an error that stops the walk.
    fn stop<E: de::Error>(&mut self, problem: String) -> E {
        let error = E::custom(&problem);
        self.problem.get_or_insert(problem);
        error
    }
}

/// Reads the value at a node of the tree.
struct NodeSeed<'n, 'w, 's, 'de> {
    node: &'n Node<'w>,
    state: &'s mut State<'de>,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let NodeSeed { node, state } = self;
        for &slot in &node.slots {
            state.found[slot] = None;
        }
        match (node.takes.as_slice(), node.children.is_empty()) {
            ([], _) => deserializer.deserialize_any(Level { node, state }),
            ([(index, Take::Value)], true) => {
                let value = <&RawValue>::deserialize(deserializer)?;
                state.found[*index] = value_found(value);
                Ok(())
            }
            ([(index, Take::Items)], true) => {
                state.found[*index] = deserializer.deserialize_any(Items)?;
                Ok(())
            }
            // Taken and walked into, or taken twice: take the text, then read it again.
            (takes, _) => {
                let value = <&RawValue>::deserialize(deserializer)?;
                for &(index, take) in takes {
                    state.found[index] = match take {
                        Take::Value => value_found(value),
                        Take::Items => items_of(value).map_err(|problem| state.stop(problem))?,
                    };
                }
                if node.children.is_empty() {
                    return Ok(());
                }
                let mut inner = serde_json::Deserializer::from_str(value.get());
                inner
                    .deserialize_any(Level {
                        node,
                        state: &mut *state,
                    })
                    .map_err(|error| state.stop(error.to_string()))
            }
        }
    }
}

fn value_found(value: &RawValue) -> Option<Found<'_>> {
    (value.get() != "null").then_some(Found::Value(value))
}

/// The items of an array already taken as text, read as [`Items`] reads them in the
/// walk.
fn items_of(value: &RawValue) -> Result<Option<Found<'_>>, String> {
    serde_json::Deserializer::from_str(value.get())
        .deserialize_any(Items)
        .map_err(|error| error.to_string())
}

/// An object along a path: its wanted keys are read, the others skipped unbuilt.
struct Level<'n, 'w, 's, 'de> {
    node: &'n Node<'w>,
    state: &'s mut State<'de>,
}

impl<'de> Level<'_, '_, '_, 'de> {
    fn not_an_object<E: de::Error>(self) -> Result<(), E> {
        Err(self.state.stop(self.node.not_an_object()))
    }
}

impl<'de> Visitor<'de> for Level<'_, '_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.not_an_object()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.not_an_object()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.not_an_object()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.not_an_object()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.not_an_object()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.not_an_object()
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Level { node, state } = self;
        while let Some(child) = map.next_key_seed(ChildKey(&node.children))? {
            match child {
                Some(child) => map.next_value_seed(NodeSeed {
                    node: &node.children[child].1,
                    state: &mut *state,
                })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// An array's items as text, read as the array is scanned.
struct Items;

impl<'de> Visitor<'de> for Items {
    type Value = Option<Found<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some(Found::NotArray))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Some(Found::NotArray))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Some(Found::NotArray))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Some(Found::NotArray))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Some(Found::NotArray))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Some(Found::NotArray))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element::<&RawValue>()? {
            items.push(item);
        }
        Ok(Some(Found::Items(items)))
    }
}

/// Which wanted key an object key is, without allocating it.
struct ChildKey<'n, 'w>(&'n [(&'w str, Node<'w>)]);

impl<'de> DeserializeSeed<'de> for ChildKey<'_, '_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for ChildKey<'_, '_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|(name, _)| *name == key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values_and_reports_missing_ones() {
        let doc: &RawValue =
            serde_json::from_str(r#"{"meta":{"last_page":3},"data":[1,2]}"#).unwrap();
        assert_eq!(
            lookup_as::<u64>(doc, &["meta", "last_page"]).unwrap(),
            Some(3)
        );
        assert_eq!(lookup(doc, &["data"]).unwrap().unwrap().get(), "[1,2]");
        assert!(lookup(doc, &["meta", "nope"]).unwrap().is_none());
        assert_eq!(
            lookup(doc, &["data", "x"]).unwrap_err(),
            "`data` is not an object"
        );
        assert!(lookup(doc, &["data", "x", "y"]).is_err());
    }

    #[test]
    fn reads_text_null_levels_repeated_keys_and_escaped_keys() {
        let text = r#"{"a":null,"b":{"c":1},"b":{"c":2},"e\u0078":{"y":[1]}}"#;
        assert!(lookup_in(text, &["a", "x"]).unwrap().is_none());
        assert!(lookup_in(text, &["a"]).unwrap().is_none());
        assert_eq!(lookup_in_as::<u64>(text, &["b", "c"]).unwrap(), Some(2));
        assert_eq!(lookup_in(text, &["ex", "y"]).unwrap().unwrap().get(), "[1]");
        assert_eq!(lookup_in(text, &[]).unwrap().unwrap().get(), text);
        assert!(lookup_in("{\"a\":1} trailing", &["a"]).is_err());
        assert!(lookup_in("<html>", &["a"]).is_err());
        assert_eq!(lookup_in("[1]", &["a"]).unwrap_err(), "`` is not an object");
    }

    /// What `lookup_all` found, as text, for comparing.
    fn shown(found: &[Option<Found<'_>>]) -> Vec<String> {
        found
            .iter()
            .map(|found| match found {
                None => "none".to_string(),
                Some(Found::Value(value)) => value.get().to_string(),
                Some(Found::Items(items)) => {
                    let items: Vec<&str> = items.iter().map(|item| item.get()).collect();
                    format!("items {}", items.join(" | "))
                }
                Some(Found::NotArray) => "not an array".to_string(),
            })
            .collect()
    }

    #[test]
    fn one_pass_finds_records_and_paging_values() {
        let text = r#"{"data":[{"id":1},{"id":2, "x":[3]}],"meta":{"last_page":7,"next":null}}"#;
        let found = lookup_all(
            text,
            &[
                (&["data"], Take::Items),
                (&["meta", "last_page"], Take::Value),
                (&["meta", "next"], Take::Value),
                (&["meta", "absent"], Take::Value),
            ],
        )
        .unwrap();
        assert_eq!(
            shown(&found),
            [r#"items {"id":1} | {"id":2, "x":[3]}"#, "7", "none", "none"]
        );
    }

    #[test]
    fn items_of_anything_but_an_array() {
        for (text, expected) in [
            (r#"{"data":{"id":1}}"#, "not an array"),
            (r#"{"data":"x"}"#, "not an array"),
            (r#"{"data":5}"#, "not an array"),
            (r#"{"data":null}"#, "none"),
            (r#"{"data":[]}"#, "items "),
            (r#"{}"#, "none"),
        ] {
            let found = lookup_all(text, &[(&["data"], Take::Items)]).unwrap();
            assert_eq!(shown(&found), [expected], "{text}");
        }
    }

    #[test]
    fn a_path_inside_another_path_is_read_from_its_text() {
        let text = r#"{"data":{"items":[1,2],"next":"c2"},"data2":1}"#;
        let found = lookup_all(
            text,
            &[
                (&["data"], Take::Value),
                (&["data", "items"], Take::Items),
                (&["data", "next"], Take::Value),
                (&["data", "next"], Take::Value),
                (&[], Take::Items),
            ],
        )
        .unwrap();
        assert_eq!(
            shown(&found),
            [
                r#"{"items":[1,2],"next":"c2"}"#,
                "items 1 | 2",
                r#""c2""#,
                r#""c2""#,
                "not an array"
            ]
        );
        let records_at_root = lookup_all("[{\"id\":1}]", &[(&[], Take::Items)]).unwrap();
        assert_eq!(shown(&records_at_root), [r#"items {"id":1}"#]);
    }

    #[test]
    fn a_repeated_key_forgets_what_its_first_value_held() {
        let text = r#"{"meta":{"next":"a","last":2},"meta":{"last":3}}"#;
        let found = lookup_all(
            text,
            &[
                (&["meta", "next"], Take::Value),
                (&["meta", "last"], Take::Value),
            ],
        )
        .unwrap();
        assert_eq!(shown(&found), ["none", "3"]);
    }

    #[test]
    fn problems_name_the_path_and_syntax_is_checked_everywhere() {
        let wanted: &[(&[&str], Take)] = &[(&["data"], Take::Items), (&["meta", "n"], Take::Value)];
        assert_eq!(
            lookup_all(r#"{"data":[],"meta":[1]}"#, wanted).unwrap_err(),
            "`meta` is not an object"
        );
        assert_eq!(
            lookup_all(r#"{"data":[],"meta":{"n":1}"#, wanted).unwrap_err(),
            "EOF while parsing an object at line 1 column 25"
        );
        assert!(lookup_all(r#"{"data":[1,}],"meta":{}}"#, wanted).is_err());
        assert!(lookup_all(r#"{"skipped":[1,}],"meta":{}}"#, wanted).is_err());
        let nested: &[(&[&str], Take)] = &[(&["a"], Take::Value), (&["a", "b", "c"], Take::Value)];
        assert_eq!(
            lookup_all(r#"{"a":{"b":3}}"#, nested).unwrap_err(),
            "`a.b` is not an object"
        );
    }
}
