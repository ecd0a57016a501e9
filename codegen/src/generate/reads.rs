//! Which raw fields the normalizer reads. The normalizer's borrowed view of a record
//! declares only those, so decoding skips everything else: the rest is still kept,
//! untouched, in `Customer::raw`, and `raw_stream` still checks every declared field.

use crate::spec::path::ResolvedPath;
use crate::spec::{FieldDef, FieldType};
use indexmap::IndexMap;
use std::collections::BTreeSet;

/// The paths (JSON keys from the record down) the normalizer reads.
#[derive(Default)]
pub struct Reads {
    paths: BTreeSet<Vec<String>>,
}

impl Reads {
    /// Records that `resolved`, a path below `prefix`, is read; returns the whole path.
    /// Keys inside a `json` field are not fields of a record type, so they are left off.
    pub fn record(&mut self, prefix: &[String], resolved: &ResolvedPath<'_>) -> Vec<String> {
        let mut path = prefix.to_vec();
        path.extend(
            resolved
                .steps
                .iter()
                .take_while(|step| step.def.is_some())
                .map(|step| step.key.to_string()),
        );
        self.paths.insert(path.clone());
        path
    }

    /// `fields` (the record's, or an object's below `prefix`) with only what is read: a
    /// scalar read is kept; an object, or an array of them, keeps only the parts read
    /// (none, when an `each` only counts its items). Array items share their array's
    /// path, as `each` scopes do.
    pub fn prune(
        &self,
        prefix: &[String],
        fields: &IndexMap<String, FieldDef>,
    ) -> IndexMap<String, FieldDef> {
        let mut kept = IndexMap::new();
        for (key, def) in fields {
            let mut path = prefix.to_vec();
            path.push(key.clone());
            if self.paths.contains(&path) || self.below(&path) {
                let mut def = def.clone();
                self.prune_type(&path, &mut def.ty);
                kept.insert(key.clone(), def);
            }
        }
        kept
    }

    fn prune_type(&self, path: &[String], ty: &mut FieldType) {
        match ty {
            FieldType::Object(fields) => *fields = self.prune(path, fields),
            FieldType::Array(item) => self.prune_type(path, &mut item.ty),
            FieldType::Scalar(_) => {}
        }
    }

    /// Whether some read path goes below `path`.
    fn below(&self, path: &[String]) -> bool {
        self.paths
            .range(path.to_vec()..)
            .next()
            .is_some_and(|read| read.len() > path.len() && read.starts_with(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::path;

    fn fields() -> IndexMap<String, FieldDef> {
        serde_json::from_value(serde_json::json!({
            "id": "integer",
            "name": "string?",
            "unused": "string",
            "meta": "json",
            "phone": { "object": { "number": "string", "code": "string", "note": "string" } },
            "tags": { "array": { "object": { "label": "string", "color": "string" } } },
            "counted": { "array": { "object": { "a": "string", "b": "string" } } },
        }))
        .expect("test fields parse")
    }

    fn keys(fields: &IndexMap<String, FieldDef>) -> Vec<&str> {
        fields.keys().map(String::as_str).collect()
    }

    fn object(def: &FieldDef) -> &IndexMap<String, FieldDef> {
        match &def.ty {
            FieldType::Object(fields) => fields,
            FieldType::Array(item) => object(item),
            FieldType::Scalar(_) => panic!("not an object"),
        }
    }

    #[test]
    fn keeps_only_what_is_read_and_objects_only_in_part() {
        let fields = fields();
        let mut reads = Reads::default();
        for read in ["id", "phone.number", "meta.deep.key"] {
            let resolved = path::resolve(&fields, read).expect("path resolves");
            reads.record(&[], &resolved);
        }
        // `each: tags`, then `label` read in an item's scope.
        let tags = reads.record(&[], &path::resolve(&fields, "tags").expect("resolves"));
        assert_eq!(tags, ["tags"]);
        let item = object(&fields["tags"]).clone();
        reads.record(&tags, &path::resolve(&item, "label").expect("resolves"));

        let kept = reads.prune(&[], &fields);
        assert_eq!(keys(&kept), ["id", "meta", "phone", "tags"]);
        assert_eq!(keys(object(&kept["phone"])), ["number"]);
        assert_eq!(keys(object(&kept["tags"])), ["label"]);
    }

    #[test]
    fn a_json_field_is_kept_whole_and_items_of_which_nothing_is_read_are_empty() {
        let fields = fields();
        let mut reads = Reads::default();
        let resolved = path::resolve(&fields, "meta.a.b").expect("resolves");
        assert_eq!(reads.record(&[], &resolved), ["meta"]);
        reads.record(&[], &path::resolve(&fields, "counted").expect("resolves"));
        let kept = reads.prune(&[], &fields);
        assert_eq!(keys(&kept), ["meta", "counted"]);
        assert!(matches!(
            kept["meta"].ty,
            FieldType::Scalar(crate::spec::ScalarType::Json)
        ));
        assert_eq!(keys(object(&kept["counted"])), Vec::<&str>::new());
    }
}
