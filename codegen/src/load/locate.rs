//! Positions of every key and value in a YAML document, by dotted key path, so that
//! semantic errors found after deserializing can point at the spec's text.

use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A position in the spec text (line and column from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// Characters to underline.
    pub width: usize,
}

/// Where each key path's key and value start.
#[derive(Debug, Default)]
pub struct Locations {
    keys: HashMap<String, Position>,
    values: HashMap<String, Position>,
}

impl Locations {
    /// Indexes `text`. Unparsable YAML yields a partial index (the tree builder reports the
    /// syntax error itself).
    pub fn index(text: &str) -> Locations {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        let _ = parser.load(&mut builder, false);
        builder.locations
    }

    /// The position of `path`'s key (or, for list items, value), falling back to the
    /// closest ancestor that has one.
    pub fn find(&self, path: &str) -> Option<Position> {
        let mut path = path;
        loop {
            if let Some(position) = self.keys.get(path).or_else(|| self.values.get(path)) {
                return Some(*position);
            }
            path = &path[..path.rfind('.')?];
        }
    }

    /// The position of `path`'s value, falling back to its key, then to the closest
    /// ancestor's value (a shorthand like `full_name: name` stands for `{ from: name }`:
    /// `full_name.from` is the value `name`).
    pub fn value(&self, path: &str) -> Option<Position> {
        let mut path = path;
        loop {
            if let Some(position) = self.values.get(path).or_else(|| self.keys.get(path)) {
                return Some(*position);
            }
            path = &path[..path.rfind('.')?];
        }
    }
}

enum Frame {
    Mapping { key: Option<String> },
    Sequence { index: usize },
}

#[derive(Default)]
struct Builder {
    locations: Locations,
    stack: Vec<Frame>,
    path: Vec<String>,
}

impl Builder {
    fn position(mark: &Marker, width: usize) -> Position {
        Position {
            line: mark.line(),
            column: mark.col() + 1,
            width: width.max(1),
        }
    }

    /// Called at the start of a value (scalar or collection): records its position and
    /// pushes its path segment.
    fn enter_value(&mut self, mark: &Marker, width: usize) -> bool {
        let segment = match self.stack.last_mut() {
            Some(Frame::Mapping { key: Some(key) }) => key.clone(),
            Some(Frame::Sequence { index }) => {
                *index += 1;
                (*index - 1).to_string()
            }
            Some(Frame::Mapping { key: None }) => return false,
            None => String::new(),
        };
        if !segment.is_empty() {
            self.path.push(segment);
        }
        let path = self.path.join(".");
        self.locations
            .values
            .entry(path)
            .or_insert(Self::position(mark, width));
        true
    }

    fn leave_value(&mut self, is_root: bool) {
        if !is_root {
            self.path.pop();
        }
        if let Some(Frame::Mapping { key }) = self.stack.last_mut() {
            *key = None;
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => {
                if let Some(Frame::Mapping { key: key @ None }) = self.stack.last_mut() {
                    *key = Some(text.clone());
                    let mut path = self.path.clone();
                    path.push(text.clone());
                    let width = text.chars().count();
                    // A duplicate key is reported elsewhere; positions stay on the first.
                    self.locations
                        .keys
                        .entry(path.join("."))
                        .or_insert(Self::position(&mark, width));
                    return;
                }
                let is_root = self.stack.is_empty();
                self.enter_value(&mark, text.chars().count());
                self.leave_value(is_root);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if let Some(Frame::Mapping { key: None }) = self.stack.last() {
                    // A complex key: not used in specs; index nothing below it.
                    self.stack.push(Frame::Mapping { key: None });
                    return;
                }
                let is_root = self.stack.is_empty();
                self.enter_value(&mark, 1);
                if is_root {
                    self.path.clear();
                }
                self.stack.push(match event {
                    Event::MappingStart(..) => Frame::Mapping { key: None },
                    _ => Frame::Sequence { index: 0 },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                let is_root = self.stack.is_empty();
                self.leave_value(is_root);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_nested_keys_and_list_items() {
        let text = "a:\n  b: 1\n  c:\n    - x\n    - {d: 2}\ne: hi\n";
        let locations = Locations::index(text);
        assert_eq!(
            locations.find("a.b"),
            Some(Position {
                line: 2,
                column: 3,
                width: 1
            })
        );
        assert_eq!(
            locations.value("a.c.1").map(|p| (p.line, p.column)),
            Some((5, 7))
        );
        assert_eq!(
            locations.find("a.c.1.d").map(|p| (p.line, p.column)),
            Some((5, 8))
        );
        assert_eq!(locations.find("e").map(|p| p.line), Some(6));
        assert_eq!(locations.find("a.missing").map(|p| p.line), Some(1));
    }
}
