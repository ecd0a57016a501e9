//! The raw record's field types.

use super::shorthand::{shorthand_impls, Shorthand};
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

/// Scalar field types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScalarType {
    /// Text (`String`).
    String,
    /// A whole number (`i64`).
    Integer,
    /// A number (`f64`).
    Number,
    /// `true`/`false` (`bool`).
    Boolean,
    /// Any JSON, kept as is (`serde_json::Value`): for fields whose shape varies.
    Json,
}

impl ScalarType {
    fn parse(word: &str) -> Option<ScalarType> {
        Some(match word {
            "string" => ScalarType::String,
            "integer" => ScalarType::Integer,
            "number" => ScalarType::Number,
            "boolean" => ScalarType::Boolean,
            "json" => ScalarType::Json,
            _ => return None,
        })
    }

    /// The shorthand words, for hints.
    pub const WORDS: &'static [&'static str] = &["string", "integer", "number", "boolean", "json"];
}

/// What a field holds.
#[derive(Debug, Clone)]
pub enum FieldType {
    /// A scalar.
    Scalar(ScalarType),
    /// A nested object, with its fields.
    Object(IndexMap<String, FieldDef>),
    /// An array of items.
    Array(Box<FieldDef>),
}

/// A raw record field: shorthand `integer`, `string?` (nullable), `string[]` (array),
/// or the full form.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// What it holds.
    pub ty: FieldType,
    /// Whether it may be `null` or absent.
    pub nullable: bool,
    /// For objects: the provider sends `[]` when the object is empty.
    pub empty_array_is_null: bool,
    /// For arrays: the provider sends a bare object when there is one item.
    pub one_or_many: bool,
    /// The scope without which the provider omits this key entirely (personal data).
    pub pii: Option<String>,
    /// What it is, for rustdoc.
    pub doc: Option<String>,
}

/// The full form of a [`FieldDef`]: exactly one of `type`, `object` or `array`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDefFull {
    /// A scalar type in shorthand (`string`, `integer?`, `string[]`).
    #[serde(rename = "type", default)]
    pub ty: Option<String>,
    /// A nested object's fields.
    #[serde(default)]
    pub object: Option<IndexMap<String, FieldDef>>,
    /// An array's item type.
    #[serde(default)]
    pub array: Option<Box<FieldDef>>,
    /// May be `null` or absent.
    #[serde(default)]
    pub nullable: bool,
    /// An object that the provider sends as `[]` when empty.
    #[serde(default)]
    pub empty_array_is_null: bool,
    /// An array that the provider sends as a bare object when it has one item.
    #[serde(default)]
    pub one_or_many: bool,
    /// The scope without which the provider omits this key (its absence then means
    /// "withheld", not "empty").
    #[serde(default)]
    pub pii: Option<String>,
    /// What it is.
    #[serde(default)]
    pub doc: Option<String>,
}

impl FieldDef {
    fn scalar(ty: FieldType) -> FieldDef {
        FieldDef {
            ty,
            nullable: false,
            empty_array_is_null: false,
            one_or_many: false,
            pii: None,
            doc: None,
        }
    }
}

impl Shorthand for FieldDef {
    const EXPECTING: &'static str =
        "a type (string, integer, number, boolean, json; `?` for nullable, `[]` for arrays) or a mapping with `type`, `object` or `array`";
    type Full = FieldDefFull;

    fn from_shorthand(text: &str) -> Result<FieldDef, String> {
        let (text, nullable) = match text.strip_suffix('?') {
            Some(rest) => (rest, true),
            None => (text, false),
        };
        let (word, array) = match text.strip_suffix("[]") {
            Some(rest) => (rest, true),
            None => (text, false),
        };
        let scalar = ScalarType::parse(word).ok_or_else(|| {
            let hint = crate::diagnostic::did_you_mean(word, ScalarType::WORDS)
                .map(|best| format!("; did you mean `{best}`?"))
                .unwrap_or_default();
            format!(
                "unknown field type `{word}`, expected one of {}{hint}",
                ScalarType::WORDS.join(", ")
            )
        })?;
        let mut def = FieldDef::scalar(FieldType::Scalar(scalar));
        if array {
            def = FieldDef::scalar(FieldType::Array(Box::new(def)));
        }
        def.nullable = nullable;
        Ok(def)
    }

    fn from_full(full: FieldDefFull) -> Result<FieldDef, String> {
        let mut def = match (full.ty, full.object, full.array) {
            (Some(ty), None, None) => FieldDef::from_shorthand(&ty)?,
            (None, Some(fields), None) => FieldDef::scalar(FieldType::Object(fields)),
            (None, None, Some(item)) => FieldDef::scalar(FieldType::Array(item)),
            _ => return Err("a field needs exactly one of `type`, `object` or `array`".to_string()),
        };
        def.nullable |= full.nullable;
        def.empty_array_is_null = full.empty_array_is_null;
        def.one_or_many = full.one_or_many;
        def.pii = full.pii;
        def.doc = full.doc;
        if def.empty_array_is_null && !matches!(def.ty, FieldType::Object(_)) {
            return Err("`empty_array_is_null` applies to `object` fields only".to_string());
        }
        if def.one_or_many && !matches!(def.ty, FieldType::Array(_)) {
            return Err("`one_or_many` applies to `array` fields only".to_string());
        }
        Ok(def)
    }
}

shorthand_impls!(
    FieldDef,
    "FieldDef",
    "^(string|integer|number|boolean|json)(\\[\\])?\\??$",
    "A raw record field: `integer`, `string?` (nullable), `string[]` (array), or the full form."
);
