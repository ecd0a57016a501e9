//! Request parameters: what generated builders collect, checked against the spec's rules
//! before any request is sent.

use crate::endpoint::EndpointSpec;
use crate::error::Error;

/// Where a parameter goes in the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// The query string.
    Query,
    /// A key of the JSON body; dots in the name nest (`search.name`).
    Body,
    /// A request header.
    Header,
    /// A `{name}` segment of the path.
    Path,
    /// A query-string filter written as an indexed pair in the named array:
    /// `filters[0][0]=<name>&filters[0][1]=<value>`, numbered in the order set.
    IndexedPair(&'static str),
}

/// A parameter's type, as the spec declares it. Used to parse parameters given as text
/// (command-line filters) and by the sandbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A calendar date, sent in the given `strftime` format.
    Date(&'static str),
    /// A date and time, sent in the given `strftime` format.
    DateTime(&'static str),
    /// One of a fixed set of texts.
    Enum(&'static [&'static str]),
}

/// A parameter's declaration, as data: generated for every endpoint.
#[derive(Debug)]
pub struct ParamSpec {
    /// The name the provider uses.
    pub name: &'static str,
    /// The spec's key for it: the typed builder's method and a name the command line
    /// accepts besides [`name`](ParamSpec::name) (`sort_updated_at` for `sort.updated_at`).
    pub key: &'static str,
    /// Where it goes.
    pub location: Location,
    /// Its type.
    pub kind: ParamKind,
    /// Whether every request must carry it.
    pub required: bool,
    /// The spec's description.
    pub doc: &'static str,
    /// The spec's rules on the value, checked by [`ParamSpec::check`].
    pub rules: ParamRules,
    /// Whether it takes several values (`list: true`).
    pub list: bool,
    /// The spec's example value, as text. The sandbox finds the record field a lookup
    /// parameter names by it (`customer_id`'s example is the example record's `_id`).
    pub example: Option<&'static str>,
}

/// The bounds a spec puts on a parameter's value. Enum values and date formats are part
/// of [`ParamKind`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ParamRules {
    /// The smallest allowed number.
    pub min: Option<f64>,
    /// The largest allowed number.
    pub max: Option<f64>,
    /// The fewest characters allowed.
    pub min_length: Option<usize>,
    /// The most characters allowed.
    pub max_length: Option<usize>,
}

impl ParamSpec {
    /// Checks `value` against every rule the spec gives this parameter (bounds, lengths,
    /// enum values, date formats; each item of a list). Generated setters and
    /// [`Params::set_text`] both call it, so a rule is checked in one place.
    pub fn check(&self, value: &ParamValue) -> Result<(), String> {
        let rules = &self.rules;
        match value {
            ParamValue::List(items) => items.iter().try_for_each(|item| self.check(item)),
            ParamValue::Integer(number) => check::range(
                *number,
                rules.min.map(|min| min as i64),
                rules.max.map(|max| max as i64),
            ),
            ParamValue::Number(number) => check::range(*number, rules.min, rules.max),
            ParamValue::Bool(_) => Ok(()),
            ParamValue::Text(text) => match self.kind {
                ParamKind::Enum(allowed) => check::one_of(text, allowed),
                ParamKind::Date(format) => check::date(text, format),
                ParamKind::DateTime(format) => check::date_time(text, format),
                ParamKind::String | ParamKind::Integer | ParamKind::Number | ParamKind::Boolean => {
                    check::length(text, rules.min_length, rules.max_length)
                }
            },
        }
    }
}

/// A parameter's value.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// Text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// Several values: a JSON array in a body, the name repeated in a query string.
    List(Vec<ParamValue>),
}

impl ParamValue {
    /// The value as it appears in a query string or header.
    pub fn to_text(&self) -> String {
        match self {
            ParamValue::Text(text) => text.clone(),
            ParamValue::Integer(i) => i.to_string(),
            ParamValue::Number(n) => n.to_string(),
            ParamValue::Bool(b) => b.to_string(),
            ParamValue::List(items) => items
                .iter()
                .map(ParamValue::to_text)
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    /// The value as JSON, for bodies.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            ParamValue::Text(text) => serde_json::Value::from(text.as_str()),
            ParamValue::Integer(i) => serde_json::Value::from(*i),
            ParamValue::Number(n) => serde_json::Value::from(*n),
            ParamValue::Bool(b) => serde_json::Value::from(*b),
            ParamValue::List(items) => items.iter().map(ParamValue::to_json).collect(),
        }
    }
}

/// The parameters of one call, in the order they were set. The first rule a setter broke
/// is kept and reported when the call is made, before anything is sent.
#[derive(Clone, Debug, Default)]
pub struct Params {
    entries: Vec<(Location, &'static str, ParamValue)>,
    violation: Option<(&'static str, String)>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Params {
        Params::default()
    }

    /// Sets `name` (replacing an earlier value), provided `rule` holds.
    pub fn set(
        &mut self,
        location: Location,
        name: &'static str,
        value: ParamValue,
        rule: Result<(), String>,
    ) {
        if let Err(reason) = rule {
            self.violation.get_or_insert((name, reason));
            return;
        }
        self.entries.retain(|(_, existing, _)| *existing != name);
        self.entries.push((location, name, value));
    }

    /// The parameters at `location`, in order.
    pub fn at(&self, location: Location) -> impl Iterator<Item = (&'static str, &ParamValue)> {
        self.entries
            .iter()
            .filter(move |(at, _, _)| *at == location)
            .map(|(_, name, value)| (*name, value))
    }

    /// The query string's pairs: lists repeat their name once per item (`with[]=a&with[]=b`);
    /// indexed pairs are numbered per array in the order they were set.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for (location, name, value) in &self.entries {
            match (location, value) {
                (Location::Query, ParamValue::List(items)) => {
                    pairs.extend(items.iter().map(|item| (name.to_string(), item.to_text())));
                }
                (Location::Query, single) => pairs.push((name.to_string(), single.to_text())),
                (Location::IndexedPair(array), value) => {
                    let index = match counts.iter_mut().find(|(seen, _)| seen == array) {
                        Some((_, count)) => {
                            *count += 1;
                            *count - 1
                        }
                        None => {
                            counts.push((array, 1));
                            0
                        }
                    };
                    pairs.push((format!("{array}[{index}][0]"), name.to_string()));
                    pairs.push((format!("{array}[{index}][1]"), value.to_text()));
                }
                _ => {}
            }
        }
        pairs
    }

    /// Adds every parameter of `other` (a generated one-of group's choice).
    pub fn extend(&mut self, other: Params) {
        if let Some(violation) = other.violation {
            self.violation.get_or_insert(violation);
        }
        for (location, name, value) in other.entries {
            self.set(location, name, value, Ok(()));
        }
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.entries
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(_, _, value)| value)
    }

    /// Fails with the first broken rule, or a required parameter that is missing.
    pub fn validate(&self, endpoint: &EndpointSpec) -> Result<(), Error> {
        let invalid = |param: &'static str, reason: String| Error::InvalidParam {
            provider: endpoint.provider,
            endpoint: endpoint.name,
            param,
            reason,
        };
        if let Some((param, reason)) = &self.violation {
            return Err(invalid(param, reason.clone()));
        }
        for spec in endpoint.params.iter().filter(|spec| spec.required) {
            if self.get(spec.name).is_none() {
                return Err(invalid(spec.name, "is required".to_string()));
            }
        }
        for group in endpoint.one_of {
            if let Some(first) = group.first() {
                if group.iter().all(|name| self.get(name).is_none()) {
                    return Err(invalid(
                        first,
                        format!("(or one of {}) is required", group.join(", ")),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Sets a parameter given as text (a command-line filter), parsed by its declared type
    /// and checked against the endpoint's declared parameters.
    pub fn set_text(
        &mut self,
        endpoint: &EndpointSpec,
        name: &str,
        text: &str,
    ) -> Result<(), Error> {
        let spec = endpoint
            .params
            .iter()
            .find(|spec| spec.key == name || spec.name == name)
            .ok_or_else(|| {
                let known: Vec<&str> = endpoint.params.iter().map(|spec| spec.key).collect();
                Error::Config {
                    provider: endpoint.provider,
                    message: format!(
                        "{} has no parameter `{name}`; it has: {}",
                        endpoint.name,
                        known.join(", ")
                    ),
                }
            })?;
        let parsed = match spec.kind {
            ParamKind::Integer => text
                .parse::<i64>()
                .map(ParamValue::Integer)
                .map_err(|_| "must be a whole number".to_string()),
            ParamKind::Number => text
                .parse::<f64>()
                .ok()
                .filter(|number| number.is_finite())
                .map(ParamValue::Number)
                .ok_or_else(|| "must be a number".to_string()),
            ParamKind::Boolean => match text {
                "true" => Ok(ParamValue::Bool(true)),
                "false" => Ok(ParamValue::Bool(false)),
                _ => Err("must be true or false".to_string()),
            },
            ParamKind::String
            | ParamKind::Enum(_)
            | ParamKind::Date(_)
            | ParamKind::DateTime(_) => Ok(ParamValue::Text(text.to_string())),
        };
        let (value, rule) = match parsed {
            Ok(value) => {
                let rule = spec.check(&value);
                (value, rule)
            }
            Err(reason) => (ParamValue::Text(String::new()), Err(reason)),
        };
        // A list parameter given several times collects every value.
        let value = match (spec.list, self.get(spec.name)) {
            (true, Some(ParamValue::List(earlier))) => {
                ParamValue::List(earlier.iter().cloned().chain([value]).collect())
            }
            (true, _) => ParamValue::List(vec![value]),
            (false, _) => value,
        };
        self.set(spec.location, spec.name, value, rule);
        self.validate_violation(endpoint)
    }

    fn validate_violation(&self, endpoint: &EndpointSpec) -> Result<(), Error> {
        match &self.violation {
            Some((param, reason)) => Err(Error::InvalidParam {
                provider: endpoint.provider,
                endpoint: endpoint.name,
                param,
                reason: reason.clone(),
            }),
            None => Ok(()),
        }
    }
}

/// The rules a spec can put on parameters, as checks generated setters call.
pub mod check {
    /// `value` within `min..=max` (either bound optional).
    pub fn range<T: PartialOrd + std::fmt::Display>(
        value: T,
        min: Option<T>,
        max: Option<T>,
    ) -> Result<(), String> {
        match (min, max) {
            (Some(min), Some(max)) if value < min || value > max => {
                Err(format!("must be between {min} and {max}"))
            }
            (Some(min), None) if value < min => Err(format!("must be at least {min}")),
            (None, Some(max)) if value > max => Err(format!("must be at most {max}")),
            _ => Ok(()),
        }
    }

    /// `text` has between `min` and `max` characters (either bound optional).
    pub fn length(text: &str, min: Option<usize>, max: Option<usize>) -> Result<(), String> {
        let count = text.chars().count();
        range(count, min, max)
            .map_err(|rule| rule.replacen("must be", "must have", 1) + " characters")
    }

    /// `text` is a date written in `format` (`%Y-%m-%d`).
    pub fn date(text: &str, format: &str) -> Result<(), String> {
        chrono::NaiveDate::parse_from_str(text, format)
            .map(drop)
            .map_err(|_| format!("must be a date written as `{format}`"))
    }

    /// `text` is a date and time written in `format` (`%Y-%m-%d %H:%M:%S`).
    pub fn date_time(text: &str, format: &str) -> Result<(), String> {
        chrono::NaiveDateTime::parse_from_str(text, format)
            .map(drop)
            .map_err(|_| format!("must be a date and time written as `{format}`"))
    }

    /// `text` is one of `allowed`.
    pub fn one_of(text: &str, allowed: &[&str]) -> Result<(), String> {
        if allowed.contains(&text) {
            Ok(())
        } else {
            Err(format!("must be one of: {}", allowed.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_describe_the_bound() {
        assert_eq!(
            check::range(0, Some(1), None),
            Err("must be at least 1".into())
        );
        assert_eq!(check::range(5, Some(1), Some(200)), Ok(()));
        assert_eq!(
            check::length("", Some(1), Some(255)),
            Err("must have between 1 and 255 characters".into())
        );
        assert_eq!(check::length("Cẩm", Some(1), Some(3)), Ok(()));
    }

    fn spec(kind: ParamKind, rules: ParamRules, list: bool) -> ParamSpec {
        ParamSpec {
            name: "p",
            key: "p",
            location: Location::Query,
            kind,
            required: false,
            doc: "",
            rules,
            list,
            example: None,
        }
    }

    #[test]
    fn a_spec_checks_each_rule_kind() {
        let bounded = ParamRules {
            min: Some(1.0),
            max: Some(200.0),
            ..ParamRules::default()
        };
        let integer = spec(ParamKind::Integer, bounded, false);
        assert_eq!(integer.check(&ParamValue::Integer(200)), Ok(()));
        assert_eq!(
            integer.check(&ParamValue::Integer(0)),
            Err("must be between 1 and 200".into())
        );
        let text = spec(
            ParamKind::String,
            ParamRules {
                min_length: Some(36),
                max_length: Some(36),
                ..ParamRules::default()
            },
            true,
        );
        let items = |items: &[&str]| {
            ParamValue::List(
                items
                    .iter()
                    .map(|item| ParamValue::Text(item.to_string()))
                    .collect(),
            )
        };
        assert_eq!(
            text.check(&items(&["5c19101c-d9e5-4fb0-9f85-7daf1f0c3f91", "short"])),
            Err("must have between 36 and 36 characters".into()),
            "every item of a list"
        );
        let choice = spec(
            ParamKind::Enum(&["ASC", "DESC"]),
            ParamRules::default(),
            false,
        );
        assert_eq!(
            choice.check(&ParamValue::Text("asc".into())),
            Err("must be one of: ASC, DESC".into())
        );
        let date = spec(ParamKind::Date("%Y-%m-%d"), ParamRules::default(), false);
        assert_eq!(date.check(&ParamValue::Text("2024-02-29".into())), Ok(()));
        assert_eq!(
            date.check(&ParamValue::Text("2023-02-29".into())),
            Err("must be a date written as `%Y-%m-%d`".into())
        );
        let at = spec(
            ParamKind::DateTime("%Y-%m-%d %H:%M:%S"),
            ParamRules::default(),
            false,
        );
        assert_eq!(
            at.check(&ParamValue::Text("2024-01-01T10:00:00".into())),
            Err("must be a date and time written as `%Y-%m-%d %H:%M:%S`".into())
        );
    }

    #[test]
    fn query_pairs_repeat_lists_and_number_indexed_pairs() {
        let mut params = Params::new();
        let filters = Location::IndexedPair("filters");
        params.set(filters, "name", ParamValue::Text("John".into()), Ok(()));
        let with = ParamValue::List(vec![ParamValue::Text("group".into())]);
        params.set(Location::Query, "with[]", with, Ok(()));
        params.set(
            filters,
            "phones",
            ParamValue::Text("15551234567".into()),
            Ok(()),
        );
        let pairs: Vec<(String, String)> = params.query_pairs();
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("filters[0][0]", "name"),
                ("filters[0][1]", "John"),
                ("with[]", "group"),
                ("filters[1][0]", "phones"),
                ("filters[1][1]", "15551234567"),
            ]
        );
    }

    #[test]
    fn first_violation_is_kept_and_value_not_set() {
        let mut params = Params::new();
        params.set(
            Location::Query,
            "a",
            ParamValue::Integer(0),
            check::range(0, Some(1), None),
        );
        params.set(Location::Query, "b", ParamValue::Integer(1), Ok(()));
        assert!(params.get("a").is_none());
        assert_eq!(params.violation.as_ref().map(|(name, _)| *name), Some("a"));
    }
}
