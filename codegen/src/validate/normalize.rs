//! The mapping to `Customer`: paths exist, transforms fit their source and target.

use super::Checker;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::spec::path::{self, ResolvedPath};
use crate::spec::{DateTimeFormat, FieldDef, FieldType, ScalarType, Target, ValueMap};
use indexmap::IndexMap;

pub(super) fn check(checker: &mut Checker<'_>) {
    let spec = &checker.source.spec;
    let record = &spec.record;
    let normalize = &spec.normalize;
    let mut singles: Vec<(&str, Option<&ValueMap>, Target)> = vec![
        ("remote_id", Some(&normalize.remote_id), Target::Text),
        ("code", normalize.code.as_ref(), Target::Text),
        ("full_name", normalize.full_name.as_ref(), Target::Text),
        ("given_name", normalize.given_name.as_ref(), Target::Text),
        ("family_name", normalize.family_name.as_ref(), Target::Text),
        ("salutation", normalize.salutation.as_ref(), Target::Text),
        ("gender", normalize.gender.as_ref(), Target::Gender),
        ("birth_date", normalize.birth_date.as_ref(), Target::Date),
        ("company", normalize.company.as_ref(), Target::Text),
        ("source", normalize.source.as_ref(), Target::Text),
        ("active", normalize.active.as_ref(), Target::Bool),
        ("total_spent", normalize.total_spent.as_ref(), Target::Money),
        ("order_count", normalize.order_count.as_ref(), Target::Count),
        ("visit_count", normalize.visit_count.as_ref(), Target::Count),
        (
            "created_at",
            normalize.created_at.as_ref(),
            Target::DateTime,
        ),
        (
            "updated_at",
            normalize.updated_at.as_ref(),
            Target::DateTime,
        ),
    ];
    if let Some(loyalty) = &normalize.loyalty {
        singles.extend([
            ("loyalty.tier", loyalty.tier.as_ref(), Target::Text),
            (
                "loyalty.membership_number",
                loyalty.membership_number.as_ref(),
                Target::Text,
            ),
            ("loyalty.points", loyalty.points.as_ref(), Target::Decimal),
            (
                "loyalty.available_points",
                loyalty.available_points.as_ref(),
                Target::Decimal,
            ),
        ]);
    }
    for (name, map, target) in singles {
        if let Some(map) = map {
            value(checker, &format!("normalize.{name}"), map, target, record);
        }
    }
    for (name, items) in [("groups", &normalize.groups), ("tags", &normalize.tags)] {
        for (index, item) in items.iter().enumerate() {
            value(
                checker,
                &format!("normalize.{name}.{index}"),
                item,
                Target::List,
                record,
            );
        }
    }
    for (name, field) in &normalize.custom_fields {
        let target = Target::of_custom(field.ty.unwrap_or_default());
        value(
            checker,
            &format!("normalize.custom_fields.{name}"),
            field,
            target,
            record,
        );
    }
    for (index, list) in normalize.custom_field_list.iter().enumerate() {
        let key = format!("normalize.custom_field_list.{index}");
        if let Some(item) = scope(checker, &key, Some(&list.each), record) {
            let paths = [
                ("name", Some(&list.name)),
                ("value", Some(&list.value)),
                ("items", list.items.as_ref()),
                ("type", list.type_from.as_ref()),
            ];
            for (part, path) in paths {
                if let Some(path) = path {
                    resolve(checker, &format!("{key}.{part}"), path, &item);
                }
            }
        }
        for (part, format) in [("datetime", &list.datetime), ("date", &list.date)] {
            if let Some(DateTimeFormat::Pattern(pattern)) =
                format.as_deref().map(DateTimeFormat::parse)
            {
                if pattern != "iso" {
                    check_strftime(
                        checker,
                        &format!("{key}.{part}"),
                        &pattern,
                        &["iso", "rfc3339"],
                    );
                }
            }
        }
    }
    for (index, phone) in normalize.phones.iter().enumerate() {
        let key = format!("normalize.phones.{index}");
        if let Some(scope) = scope(checker, &key, phone.each.as_deref(), record) {
            value(
                checker,
                &format!("{key}.number"),
                &phone.number,
                Target::Text,
                &scope,
            );
            if let Some(code) = &phone.country_code {
                value(
                    checker,
                    &format!("{key}.country_code"),
                    code,
                    Target::Text,
                    &scope,
                );
            }
        }
    }
    for (index, email) in normalize.emails.iter().enumerate() {
        let key = format!("normalize.emails.{index}");
        if let Some(scope) = scope(checker, &key, email.each.as_deref(), record) {
            value(
                checker,
                &format!("{key}.address"),
                &email.address,
                Target::Text,
                &scope,
            );
        }
    }
    for (index, id) in normalize.national_ids.iter().enumerate() {
        let key = format!("normalize.national_ids.{index}");
        if let Some(scope) = scope(checker, &key, id.each.as_deref(), record) {
            value(
                checker,
                &format!("{key}.value"),
                &id.value,
                Target::Text,
                &scope,
            );
        }
    }
    for (index, address) in normalize.addresses.iter().enumerate() {
        let key = format!("normalize.addresses.{index}");
        if let Some(scope) = scope(checker, &key, address.each.as_deref(), record) {
            for (part, map) in crate::generate::normalize::address_parts(address) {
                if let Some(map) = map {
                    value(checker, &format!("{key}.{part}"), map, Target::Text, &scope);
                }
            }
        }
    }
    for (index, profile) in normalize.social_profiles.iter().enumerate() {
        let key = format!("normalize.social_profiles.{index}");
        if let Some(scope) = scope(checker, &key, profile.each.as_deref(), record) {
            for (part, map) in [
                ("id", &profile.id),
                ("url", &profile.url),
                ("name", &profile.name),
            ] {
                if let Some(map) = map {
                    value(checker, &format!("{key}.{part}"), map, Target::Text, &scope);
                }
            }
        }
    }
}

/// The fields paths are resolved against: the record, or under `each` the array's item
/// (an item that is a scalar has no fields; `.` is the item then).
fn scope(
    checker: &mut Checker<'_>,
    key: &str,
    each: Option<&str>,
    record: &IndexMap<String, FieldDef>,
) -> Option<IndexMap<String, FieldDef>> {
    let Some(each) = each else {
        return Some(record.clone());
    };
    let item = array_at(checker, &format!("{key}.each"), each, record)?;
    Some(item_fields(item))
}

/// The fields of an array item; a scalar item is offered as the pseudo-field `.`.
fn item_fields(item: &FieldDef) -> IndexMap<String, FieldDef> {
    match &item.ty {
        FieldType::Object(fields) => fields.clone(),
        _ => IndexMap::from([(".".to_string(), item.clone())]),
    }
}

fn array_at<'a>(
    checker: &mut Checker<'_>,
    key: &str,
    each: &'a str,
    record: &'a IndexMap<String, FieldDef>,
) -> Option<&'a FieldDef> {
    let resolved = resolve(checker, key, each, record)?;
    match resolved.leaf().and_then(path::array_item) {
        Some(item) => Some(item),
        None => {
            checker.error_value(
                key,
                Diagnostic::new(format!("`each: {each}` needs an array field"))
                    .hint("declare the field as `T[]` or `{ array: ... }` in `record`"),
            );
            None
        }
    }
}

fn resolve<'a>(
    checker: &mut Checker<'_>,
    key: &str,
    from: &'a str,
    fields: &'a IndexMap<String, FieldDef>,
) -> Option<ResolvedPath<'a>> {
    match path::resolve(fields, from) {
        Ok(resolved) => Some(resolved),
        Err(reason) => {
            let last = from.rsplit('.').next().unwrap_or(from);
            let candidates = path::candidates(fields, from);
            checker.error_value(
                key,
                Diagnostic::new(format!("`{from}` is not in the record: {reason}"))
                    .expected("a dotted path to a field declared under `record`")
                    .maybe_hint(
                        did_you_mean(last, &candidates)
                            .map(|best| format!("did you mean `{best}`?")),
                    ),
            );
            None
        }
    }
}

fn value(
    checker: &mut Checker<'_>,
    key: &str,
    map: &ValueMap,
    target: Target,
    fields: &IndexMap<String, FieldDef>,
) {
    let in_custom = key.starts_with("normalize.custom_fields.");
    if map.ty.is_some() && !in_custom {
        checker.error(
            &format!("{key}.type"),
            Diagnostic::new("`type` applies to custom fields only"),
        );
    }
    if map.each.is_some() && target != Target::List {
        checker.error(
            &format!("{key}.each"),
            Diagnostic::new(format!(
                "`each` makes a list, but this field takes {}",
                target.describe()
            )),
        );
    }
    if map.split.is_some() && target != Target::List {
        checker.error(
            &format!("{key}.split"),
            Diagnostic::new("`split` makes a list; it applies to lists only"),
        );
    }
    transforms(checker, key, map, target);
    if let Some(alternatives) = &map.first_of {
        if alternatives.is_empty() {
            checker.error(
                &format!("{key}.first_of"),
                Diagnostic::new("`first_of` needs at least one alternative"),
            );
        }
        for (index, alternative) in alternatives.iter().enumerate() {
            value(
                checker,
                &format!("{key}.first_of.{index}"),
                alternative,
                target,
                fields,
            );
        }
        return;
    }
    let item_scope;
    let scope = match &map.each {
        Some(each) => match array_at(checker, &format!("{key}.each"), each, fields) {
            Some(item) => {
                item_scope = item_fields(item);
                &item_scope
            }
            None => return,
        },
        None => fields,
    };
    let from = map.from.as_deref().unwrap_or(".");
    if map.constant.is_some() {
        return;
    }
    if let Some(parts) = &map.date_parts {
        if target != Target::Date {
            checker.error(
                &format!("{key}.date_parts"),
                Diagnostic::new(format!(
                    "`date_parts` produces a date, but this field takes {}",
                    target.describe()
                )),
            );
        }
        if parts.month_base > 1 {
            checker.error_value(
                &format!("{key}.date_parts.month_base"),
                Diagnostic::new("`month_base` is the number of January: 0 or 1"),
            );
        }
        for (part, path) in [
            ("year", parts.year.as_deref()),
            ("month", Some(parts.month.as_str())),
            ("day", Some(parts.day.as_str())),
        ] {
            if let Some(path) = path {
                resolve(checker, &format!("{key}.date_parts.{part}"), path, scope);
            }
        }
        return;
    }
    let Some(resolved) = resolve(checker, &format!("{key}.from"), from, scope) else {
        return;
    };
    let resolved = if from == "." && map.each.is_some() {
        match path::resolve(scope, ".").ok().zip(scope.get(".")) {
            Some((_, def)) => ResolvedPath {
                steps: vec![path::Step {
                    key: ".",
                    def: Some(def),
                }],
            },
            None => {
                checker.error_value(
                    &format!("{key}.each"),
                    Diagnostic::new("the array's items are objects: say which field with `from`"),
                );
                return;
            }
        }
    } else {
        resolved
    };
    source_type(checker, key, map, target, &resolved, from);
}

fn source_type(
    checker: &mut Checker<'_>,
    key: &str,
    map: &ValueMap,
    target: Target,
    resolved: &ResolvedPath<'_>,
    from: &str,
) {
    let Some(scalar) = resolved.leaf_scalar() else {
        let what = match resolved.leaf().map(|def| &def.ty) {
            Some(FieldType::Array(_)) => "an array",
            _ => "an object",
        };
        let hint = if target == Target::List {
            "use `each` to take every item"
        } else {
            "point at a scalar field inside it"
        };
        checker.error_value(
            &format!("{key}.from"),
            Diagnostic::new(format!(
                "`{from}` is {what}, but this field takes {}",
                target.describe()
            ))
            .hint(hint),
        );
        return;
    };
    let reads_text = matches!(scalar, ScalarType::String | ScalarType::Json);
    let reads_number = matches!(
        scalar,
        ScalarType::Integer | ScalarType::Number | ScalarType::String | ScalarType::Json
    );
    let wrong = |transform: &str, needs: &str| {
        Diagnostic::new(format!(
            "`{transform}` cannot read `{from}`, which is {}",
            scalar_name(scalar)
        ))
        .expected(needs.to_string())
    };
    if map.date.is_some() && !reads_text {
        checker.error(&format!("{key}.date"), wrong("date", "a string field"));
    }
    if map.datetime.is_some() && !reads_text {
        checker.error(
            &format!("{key}.datetime"),
            wrong("datetime", "a string field"),
        );
    }
    if map.unix.is_some() && !reads_number {
        checker.error(
            &format!("{key}.unix"),
            wrong("unix", "an integer, number or string field"),
        );
    }
    if map.money.is_some() && !reads_number {
        checker.error(
            &format!("{key}.money"),
            wrong("money", "a string or number field"),
        );
    }
    if matches!(target, Target::Count | Target::Decimal | Target::Money)
        && scalar == ScalarType::Boolean
    {
        checker.error_value(
            &format!("{key}.from"),
            Diagnostic::new(format!(
                "`{from}` is a boolean, but this field takes {}",
                target.describe()
            )),
        );
    }
}

fn scalar_name(scalar: ScalarType) -> &'static str {
    match scalar {
        ScalarType::String => "a string",
        ScalarType::Integer => "an integer",
        ScalarType::Number => "a number",
        ScalarType::Boolean => "a boolean",
        ScalarType::Json => "JSON",
    }
}

fn transforms(checker: &mut Checker<'_>, key: &str, map: &ValueMap, target: Target) {
    let spec = &checker.source.spec;
    let misplaced = |transform: &str, produces: &str| {
        Diagnostic::new(format!(
            "`{transform}` produces {produces}, but this field takes {}",
            target.describe()
        ))
    };
    if map.date.is_some() && target != Target::Date {
        checker.error(&format!("{key}.date"), misplaced("date", "a date"));
    }
    if (map.datetime.is_some() || map.unix.is_some()) && target != Target::DateTime {
        let which = if map.datetime.is_some() {
            "datetime"
        } else {
            "unix"
        };
        checker.error(&format!("{key}.{which}"), misplaced(which, "a date-time"));
    }
    if map.money.is_some() && target != Target::Money {
        checker.error(&format!("{key}.money"), misplaced("money", "money"));
    }
    if map.first_of.is_none() && map.constant.is_none() && map.date_parts.is_none() {
        if target == Target::Date && map.date.is_none() {
            checker.error(
                key,
                Diagnostic::new("a date needs `date: <format>`")
                    .hint("add `date: \"%d/%m/%Y\"` (strftime) or `date: iso`"),
            );
        }
        if target == Target::DateTime && map.datetime.is_none() && map.unix.is_none() {
            checker.error(
                key,
                Diagnostic::new("a date-time needs `datetime: <format>` or `unix: seconds|millis`")
                    .hint("add `datetime: rfc3339` for ISO 8601 text with an offset"),
            );
        }
    }
    if target == Target::Money {
        let currency = map
            .money
            .as_ref()
            .and_then(|money| money.currency.as_ref())
            .or(spec.defaults.currency.as_ref());
        match currency {
            None => checker.error(
                key,
                Diagnostic::new("money needs a currency")
                    .hint("add `defaults: { currency: VND }`, or `money: { currency: VND }`"),
            ),
            Some(currency) => {
                super::check_currency(checker, &format!("{key}.money.currency"), currency)
            }
        }
    }
    if let Some(money) = &map.money {
        for (part, separator) in [("thousands", &money.thousands), ("decimal", &money.decimal)] {
            if separator
                .as_ref()
                .is_some_and(|text| text.chars().count() != 1)
            {
                checker.error_value(
                    &format!("{key}.money.{part}"),
                    Diagnostic::new("a separator is one character"),
                );
            }
        }
    }
    if let Some(format) = &map.date {
        if format != "iso" {
            check_strftime(checker, &format!("{key}.date"), format, &["iso"]);
        }
    }
    if let Some(format) = &map.datetime {
        if let DateTimeFormat::Pattern(pattern) = DateTimeFormat::parse(format) {
            check_strftime(
                checker,
                &format!("{key}.datetime"),
                &pattern,
                &["rfc3339", "iso"],
            );
            let has_offset = pattern.contains("%z") || pattern.contains("%:z");
            let zone = map.timezone.as_ref().or(spec.defaults.timezone.as_ref());
            if !has_offset && zone.is_none() {
                checker.error(
                    &format!("{key}.datetime"),
                    Diagnostic::new("a date-time without an offset needs a time zone")
                        .hint("add `defaults: { timezone: Area/City }`, or `timezone:` here"),
                );
            }
        }
    }
    if let Some(zone) = &map.timezone {
        super::check_timezone(checker, &format!("{key}.timezone"), zone);
    }
    if let Some(table) = &map.map {
        let allowed: &[&str] = match target {
            Target::Gender => &["female", "male", "other", "unknown"],
            Target::Bool => &["true", "false"],
            _ => &[],
        };
        if !allowed.is_empty() {
            for (from, to) in table {
                if !allowed.contains(&to.as_str()) {
                    checker.error_value(
                        &format!("{key}.map.{from}"),
                        Diagnostic::new(format!("`{to}` is not {}", target.describe()))
                            .expected(format!("one of {}", allowed.join(", ")))
                            .maybe_hint(
                                did_you_mean(to, allowed)
                                    .map(|best| format!("did you mean `{best}`?")),
                            ),
                    );
                }
            }
        } else if !matches!(target, Target::Text | Target::List) {
            checker.error(
                &format!("{key}.map"),
                Diagnostic::new(format!("`map` cannot produce {}", target.describe())),
            );
        }
    } else if target == Target::Gender && map.constant.is_none() && map.first_of.is_none() {
        checker.error(
            key,
            Diagnostic::new("gender needs a `map` from the provider's values")
                .hint("add `map: { \"F\": female, \"M\": male }`"),
        );
    }
}

/// A `strftime` pattern chrono can use. A pattern without any `%` item reads or writes
/// the same text for every value: it is a misspelled keyword (`rfc339`) or a format
/// missing its `%` signs (`Y-m-d`).
pub(super) fn check_strftime(
    checker: &mut Checker<'_>,
    key: &str,
    pattern: &str,
    keywords: &[&str],
) {
    use chrono::format::{Item, StrftimeItems};
    if !pattern.contains('%') {
        let listed: Vec<String> = keywords.iter().map(|word| format!("`{word}`")).collect();
        let expected = if listed.is_empty() {
            "a strftime format such as `%Y-%m-%d`".to_string()
        } else {
            format!(
                "{} or a strftime format such as `%Y-%m-%d`",
                listed.join(", ")
            )
        };
        let hint = did_you_mean(pattern, keywords)
            .map(|best| format!("did you mean `{best}`?"))
            .unwrap_or_else(|| {
                "strftime items start with `%`: `%Y-%m-%d`, `%d/%m/%Y %H:%M:%S`".to_string()
            });
        checker.error_value(
            key,
            Diagnostic::new(format!(
                "`{pattern}` is not a date format: it has no `%` items"
            ))
            .expected(expected)
            .hint(hint),
        );
        return;
    }
    if StrftimeItems::new(pattern).any(|item| matches!(item, Item::Error)) {
        checker.error_value(
            key,
            Diagnostic::new(format!("`{pattern}` is not a valid strftime format"))
                .hint("use chrono's strftime items, such as %Y-%m-%d %H:%M:%S"),
        );
    }
}
