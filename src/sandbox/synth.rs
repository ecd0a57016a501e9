//! Synthetic records, made from a spec's example records used as templates.
//!
//! A template is analysed once by normalizing it with the endpoint's own generated
//! normalizer: the JSON leaves that hold its remote id, names, emails and phones are the
//! ones whose text reappears in those normalized fields. A synthetic record is the
//! template with only those leaves replaced (a new id, a realistic name, a matching email
//! and phone) and every other value kept exactly as the provider wrote it, so each
//! provider's quirks (`[]` for empty objects, `"198,860,000"` money, empty strings for
//! missing values) survive. Leaves that were empty stay empty.

use super::names;
use custkit::runtime::record::{RawRecord, RecordPosition};
use custkit::runtime::EndpointSpec;
use custkit::{CompactString, Customer};
use serde_json::value::RawValue;
use serde_json::Value;

/// Numeric synthetic ids start here (`100001`, `100002`, ...).
const ID_BASE: u64 = 100_001;

/// A step from a JSON value into one of its children.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

type Path = Vec<Step>;

/// An example record, analysed.
pub struct Template {
    record: Value,
    id: Option<(Path, Value)>,
    /// Other text leaves that contain the id (`KH2150`), with their text.
    id_mentions: Vec<(Path, String)>,
    full_names: Vec<Path>,
    given_names: Vec<Path>,
    family_names: Vec<Path>,
    emails: Vec<Path>,
    phones: Vec<Path>,
    thai: bool,
}

/// Normalizes `record` with `endpoint`'s generated normalizer.
pub fn normalize(endpoint: &EndpointSpec, record: &Value) -> Result<Customer, String> {
    let json = RawValue::from_string(record.to_string()).map_err(|error| error.to_string())?;
    let raw = RawRecord {
        position: RecordPosition { page: 1, index: 0 },
        json,
    };
    (endpoint.normalize)(raw).map_err(|(_, reason)| reason)
}

impl Template {
    /// Analyses an example record; `Err` if the endpoint cannot normalize it.
    pub fn new(endpoint: &EndpointSpec, record: Value) -> Result<Template, String> {
        let customer = normalize(endpoint, &record)?;
        let mut leaves = Vec::new();
        collect_leaves(&record, &mut Vec::new(), &mut leaves);
        // Shallow leaves first: the top-level `id` beats a nested copy of it.
        leaves.sort_by_key(|(path, _)| path.len());
        let text_of = |value: &Value| match value {
            Value::String(text) => Some(text.trim().to_string()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        };
        let paths_equal = |wanted: &Option<CompactString>| -> Vec<Path> {
            let Some(wanted) = wanted.as_deref().filter(|text| !text.is_empty()) else {
                return Vec::new();
            };
            leaves
                .iter()
                .filter(|(_, value)| value.as_str().map(str::trim) == Some(wanted))
                .map(|(path, _)| path.clone())
                .collect()
        };
        let id = leaves
            .iter()
            .find(|(_, value)| text_of(value).as_deref() == Some(customer.remote_id.as_str()))
            .map(|(path, value)| (path.clone(), value.clone()));
        let email_texts: Vec<CompactString> = customer
            .emails
            .known()
            .map(|emails| emails.iter().map(|email| email.address.clone()).collect())
            .unwrap_or_default();
        let phone_texts: Vec<CompactString> = customer
            .phones
            .known()
            .map(|phones| phones.iter().map(|phone| phone.raw.clone()).collect())
            .unwrap_or_default();
        let emails = leaves
            .iter()
            .filter(|(_, value)| {
                value.as_str().is_some_and(|text| {
                    !text.trim().is_empty() && email_texts.iter().any(|e| e == text.trim())
                })
            })
            .map(|(path, _)| path.clone())
            .collect();
        let phones = leaves
            .iter()
            .filter(|(_, value)| {
                value.as_str().is_some_and(|text| {
                    text.chars().filter(char::is_ascii_digit).count() >= 6
                        && phone_texts.iter().any(|raw| raw.contains(text.trim()))
                })
            })
            .map(|(path, _)| path.clone())
            .collect();
        let replaced: Vec<&Path> = [&emails, &phones].into_iter().flatten().collect();
        let id_mentions = match &id {
            Some((id_path, value)) if text(value).chars().count() >= 3 => {
                let id_text = text(value);
                leaves
                    .iter()
                    .filter(|(path, _)| path != id_path && !replaced.contains(&path))
                    .filter_map(|(path, value)| {
                        let text = value.as_str()?;
                        text.contains(&id_text)
                            .then(|| (path.clone(), text.to_string()))
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        let thai = [
            &customer.full_name,
            &customer.given_name,
            &customer.family_name,
        ]
        .into_iter()
        .flatten()
        .any(|name| names::is_thai(name));
        // A leaf holding the whole name keeps holding the whole name, even where the
        // provider also reads it as the given name (LadiFlow's `first_name` = `name`).
        let full_names = paths_equal(&customer.full_name);
        let part = |wanted: &Option<CompactString>| -> Vec<Path> {
            paths_equal(wanted)
                .into_iter()
                .filter(|path| !full_names.contains(path))
                .collect()
        };
        Ok(Template {
            given_names: part(&customer.given_name),
            family_names: part(&customer.family_name),
            full_names,
            id,
            id_mentions,
            emails,
            phones,
            thai,
            record,
        })
    }

    /// The `index`-th synthetic record (0-based) made from this template. Different
    /// indexes give different remote ids.
    pub fn synthesize(&self, index: usize) -> Value {
        let mut record = self.record.clone();
        let name = names::name(index, self.thai);
        if let Some((path, old)) = &self.id {
            let new = new_id(old, index);
            let (old_text, new_text) = (text(old), text(&new));
            for (leaf, mention) in &self.id_mentions {
                set(
                    &mut record,
                    leaf,
                    Value::from(mention.replace(&old_text, &new_text)),
                );
            }
            set(&mut record, path, new);
        }
        for path in &self.full_names {
            set(&mut record, path, Value::from(name.full.as_str()));
        }
        for path in &self.given_names {
            set(&mut record, path, Value::from(name.given.as_str()));
        }
        for path in &self.family_names {
            set(&mut record, path, Value::from(name.family.as_str()));
        }
        for (n, path) in self.emails.iter().enumerate() {
            set(&mut record, path, Value::from(email(&name, index, n)));
        }
        for path in &self.phones {
            if let Some(Value::String(old)) = get(&self.record, path) {
                set(&mut record, path, Value::from(phone(old, index)));
            }
        }
        record
    }
}

/// A leaf's text (numbers as written).
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A new id of the same shape as `old`.
fn new_id(old: &Value, index: usize) -> Value {
    let number = ID_BASE + index as u64;
    match old {
        Value::String(old) if !old.is_empty() && old.chars().all(|c| c.is_ascii_digit()) => {
            Value::from(number.to_string())
        }
        Value::String(old) => {
            let prefix = old.trim_end_matches(|c: char| c.is_ascii_digit());
            let width = old.len() - prefix.len();
            if width == 0 {
                Value::from(format!("{old}-{}", index + 1))
            } else {
                Value::from(format!("{prefix}{:0width$}", index + 1))
            }
        }
        _ => Value::from(number),
    }
}

/// An address made from the name: `tran.anh42@example.com`.
fn email(name: &names::Name, index: usize, nth: usize) -> String {
    let given = names::ascii_fold(&name.given);
    let family = names::ascii_fold(&name.family);
    let local = if given.is_empty() || family.is_empty() {
        "customer".to_string()
    } else {
        format!("{family}.{given}")
    };
    let extra = if nth == 0 {
        String::new()
    } else {
        format!(".{nth}")
    };
    format!("{local}{}{extra}@example.com", index + 1)
}

/// `old` with every digit after the first three replaced, formatting kept.
fn phone(old: &str, index: usize) -> String {
    let digits = old.chars().filter(char::is_ascii_digit).count();
    let tail = digits.saturating_sub(3).min(18) as u32;
    let modulus = 10u64.pow(tail);
    let value = (index as u64).wrapping_mul(7_919).wrapping_add(1_000_003) % modulus.max(1);
    let fresh = format!("{value:0width$}", width = tail as usize);
    let mut fresh = fresh.chars();
    let mut seen = 0;
    old.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= 3 {
                c
            } else {
                fresh.next().unwrap_or(c)
            }
        })
        .collect()
}

fn collect_leaves(value: &Value, path: &mut Path, out: &mut Vec<(Path, Value)>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                path.push(Step::Key(key.clone()));
                collect_leaves(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(Step::Index(index));
                collect_leaves(child, path, out);
                path.pop();
            }
        }
        leaf => out.push((path.clone(), leaf.clone())),
    }
}

fn get<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, step| match step {
        Step::Key(key) => value.get(key),
        Step::Index(index) => value.get(index),
    })
}

fn set(value: &mut Value, path: &[Step], new: Value) {
    let target = path.iter().try_fold(value, |value, step| match step {
        Step::Key(key) => value.get_mut(key),
        Step::Index(index) => value.get_mut(index),
    });
    if let Some(target) = target {
        *target = new;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_their_shape() {
        assert_eq!(new_id(&Value::from(2150), 0), Value::from(100_001));
        assert_eq!(new_id(&Value::from("2150"), 1), Value::from("100002"));
        assert_eq!(new_id(&Value::from("cus_0042"), 6), Value::from("cus_0007"));
        assert_eq!(new_id(&Value::from("abc"), 0), Value::from("abc-1"));
    }

    #[test]
    fn phones_keep_their_format_and_prefix() {
        let fresh = phone("0888-899-000", 5);
        assert!(fresh.starts_with("088"), "{fresh}");
        assert_eq!(fresh.len(), "0888-899-000".len());
        assert_eq!(fresh.matches('-').count(), 2);
        assert_ne!(phone("0888899000", 1), phone("0888899000", 2));
    }
}
