//! Endpoints, parameters and pagination.

use super::{names, placeholders, Checker};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::spec::{
    CursorField, Endpoint, Incremental, PageSize, Pagination, Param, ParamLocation, ParamType,
};

pub(super) fn check(checker: &mut Checker<'_>) {
    let spec = &checker.source.spec;
    if spec.endpoints.is_empty() {
        checker.error(
            "endpoints",
            Diagnostic::new("a spec needs at least one endpoint"),
        );
    }
    for (name, endpoint) in &spec.endpoints {
        let key = format!("endpoints.{name}");
        names::check_identifier(checker, &key, name, true);
        endpoint_rules(checker, &key, endpoint);
    }
    if !checker.source.touches_damage("endpoints") {
        sync_endpoint(checker);
    }
}

fn sync_endpoint(checker: &mut Checker<'_>) {
    let spec = &checker.source.spec;
    let names: Vec<&str> = spec.endpoints.keys().map(String::as_str).collect();
    match &spec.sync {
        Some(sync) if !spec.endpoints.contains_key(sync) => checker.error_value(
            "sync",
            Diagnostic::new(format!("`sync` names `{sync}`, which is not an endpoint"))
                .expected(format!("one of {}", names.join(", ")))
                .maybe_hint(
                    did_you_mean(sync, &names).map(|best| format!("did you mean `{best}`?")),
                ),
        ),
        None if names.len() > 1 && !names.contains(&"list_customers") => checker.error(
            "endpoints",
            Diagnostic::new("with several endpoints, the spec must say which one a sync uses")
                .hint("add `sync: <endpoint name>` at the top level"),
        ),
        _ => {}
    }
}

fn endpoint_rules(checker: &mut Checker<'_>, key: &str, endpoint: &Endpoint) {
    if !endpoint.path.starts_with('/') {
        checker.error_value(
            &format!("{key}.path"),
            Diagnostic::new("an endpoint path must start with `/`"),
        );
    }
    let in_path = placeholders(&endpoint.path);
    for name in &in_path {
        let declared = endpoint.params.iter().any(|(param_key, param)| {
            param.location == ParamLocation::Path
                && param.name.as_deref().unwrap_or(param_key) == *name
        });
        if !declared {
            checker.error_value(
                &format!("{key}.path"),
                Diagnostic::new(format!(
                    "path segment `{{{name}}}` has no `in: path` parameter"
                ))
                .hint(format!(
                    "add `params: {{ {name}: {{ in: path, type: string, required: true }} }}`"
                )),
            );
        }
    }
    if endpoint.max_pages == Some(0) {
        checker.error_value(
            &format!("{key}.max_pages"),
            Diagnostic::new("`max_pages` must be at least 1").hint("omit `max_pages` for no limit"),
        );
    }
    let mut wire_names: Vec<(String, String)> = Vec::new();
    for (name, param) in &endpoint.params {
        let param_key = format!("{key}.params.{name}");
        names::check_identifier(checker, &param_key, name, true);
        param_rules(checker, &param_key, param);
        let wire = param.name.clone().unwrap_or_else(|| name.clone());
        if param.location == ParamLocation::Path && !in_path.contains(&wire.as_str()) {
            checker.error(
                &format!("{param_key}.in"),
                Diagnostic::new(format!(
                    "path parameter `{wire}` does not appear in the path"
                ))
                .hint(format!("add `{{{wire}}}` to the endpoint's `path`")),
            );
        }
        if let Some((other, _)) = wire_names.iter().find(|(_, existing)| *existing == wire) {
            checker.error(
                &param_key,
                Diagnostic::new(format!(
                    "parameters `{other}` and `{name}` both send `{wire}`"
                )),
            );
        }
        wire_names.push((name.clone(), wire));
    }
    one_of_groups(checker, key, endpoint);
    if let Some(incremental) = &endpoint.incremental {
        incremental_rules(checker, key, endpoint, incremental);
    }
    if let Some(pagination) = &endpoint.pagination {
        let paging_key = format!("{key}.pagination");
        match pagination {
            Pagination::Cursor {
                param,
                next,
                has_more,
                page_size,
            } => {
                if let Some((owner, _)) = wire_names.iter().find(|(_, existing)| existing == param)
                {
                    checker.error_value(
                        &format!("{paging_key}.param"),
                        Diagnostic::new(format!(
                            "the cursor parameter `{param}` is also the parameter `{owner}`"
                        ))
                        .hint("the pager sets it; remove it from `params`"),
                    );
                }
                for (what, path) in [("next", Some(next)), ("has_more", has_more.as_ref())] {
                    check_dotted_path(
                        checker,
                        &paging_key,
                        what,
                        path.map(String::as_str),
                        "pagination.next_cursor",
                    );
                }
                check_page_size_default(checker, &paging_key, page_size.as_ref());
            }
            Pagination::NextUrl { next, page_size } => {
                check_dotted_path(checker, &paging_key, "next", Some(next), "links.next");
                check_page_size_default(checker, &paging_key, page_size.as_ref());
            }
            Pagination::PageNumber {
                param,
                last_page,
                total,
                page_size,
                start: _,
            } => {
                if let Some((owner, _)) = wire_names.iter().find(|(_, existing)| existing == param)
                {
                    checker.error_value(
                        &format!("{paging_key}.param"),
                        Diagnostic::new(format!(
                            "`{param}` is the paging parameter, but it is also declared under `params` (as `{owner}`)"
                        ))
                        .hint("the pager sets it; remove it from `params`"),
                    );
                }
                if let Some(size) = page_size {
                    let declared = endpoint
                        .params
                        .iter()
                        .find(|(name, p)| p.name.as_deref().unwrap_or(name) == size.param);
                    if let Some((name, declared)) = declared {
                        if declared.ty != ParamType::Integer || declared.list {
                            checker.error(
                                &format!("{key}.params.{name}.type"),
                                Diagnostic::new(format!(
                                    "`{name}` is the page size, so it must be an `integer`"
                                )),
                            );
                        }
                    }
                }
                if total.is_some() && page_size.is_none() {
                    checker.error(
                        &format!("{paging_key}.total"),
                        Diagnostic::new("`total` needs `page_size` to count pages")
                            .hint("add `page_size: { param: limit, default: 50 }`"),
                    );
                }
                check_dotted_path(
                    checker,
                    &paging_key,
                    "total",
                    total.as_deref(),
                    "meta.total",
                );
                check_dotted_path(
                    checker,
                    &paging_key,
                    "last_page",
                    last_page.as_deref(),
                    "meta.last_page",
                );
                check_page_size_default(checker, &paging_key, page_size.as_ref());
            }
        }
    }
}

/// An incremental cursor must be normalized; its parameters must be declared and fit.
fn incremental_rules(
    checker: &mut Checker<'_>,
    key: &str,
    endpoint: &Endpoint,
    incremental: &Incremental,
) {
    let key = format!("{key}.incremental");
    let normalize = &checker.source.spec.normalize;
    let field = incremental.cursor;
    let mapped = match field {
        CursorField::UpdatedAt => normalize.updated_at.is_some(),
        CursorField::CreatedAt => normalize.created_at.is_some(),
    };
    if !mapped {
        checker.error_value(
            &format!("{key}.cursor"),
            Diagnostic::new(format!(
                "the cursor `{}` is not mapped under `normalize`",
                field.name()
            ))
            .hint(format!(
                "map it: `normalize: {{ {}: {{ from: <field>, datetime: rfc3339 }} }}`",
                field.name()
            )),
        );
    }
    let names: Vec<&str> = endpoint.params.keys().map(String::as_str).collect();
    let declared = |checker: &mut Checker<'_>, at: &str, name: &str| {
        let param = endpoint.params.get(name);
        if param.is_none() {
            checker.error_value(
                at,
                Diagnostic::new(format!("`{name}` is not a parameter of this endpoint"))
                    .maybe_hint(
                        did_you_mean(name, &names).map(|best| format!("did you mean `{best}`?")),
                    ),
            );
        }
        param
    };
    if let Some(since) = &incremental.since {
        let at = format!("{key}.since");
        if let Some(param) = declared(checker, &at, since) {
            let fits = matches!(
                param.ty,
                ParamType::Date | ParamType::Datetime | ParamType::String
            ) && !param.list;
            if !fits {
                checker.error_value(
                    &at,
                    Diagnostic::new(format!(
                        "`{since}` is sent a time, so it must be a single `date`, `datetime` or `string`"
                    )),
                );
            }
        }
    }
    for (name, value) in &incremental.newest_first {
        let at = format!("{key}.newest_first.{name}");
        let Some(param) = declared(checker, &at, name) else {
            continue;
        };
        if let Some(values) = param
            .values
            .as_ref()
            .filter(|_| param.ty == ParamType::Enum)
        {
            if !values.contains(value) {
                checker.error_value(
                    &at,
                    Diagnostic::new(format!("`{value}` is not a value of `{name}`"))
                        .expected(format!("one of {}", values.join(", "))),
                );
            }
        }
    }
}

/// A response path of the pagination (`what`, when given) must be dotted keys, none empty.
fn check_dotted_path(
    checker: &mut Checker<'_>,
    paging_key: &str,
    what: &str,
    path: Option<&str>,
    example: &str,
) {
    if path.is_some_and(|path| path.is_empty() || path.split('.').any(str::is_empty)) {
        checker.error_value(
            &format!("{paging_key}.{what}"),
            Diagnostic::new(format!(
                "`{what}` must be a dotted path such as `{example}`"
            )),
        );
    }
}

/// A page size of zero would never page.
fn check_page_size_default(
    checker: &mut Checker<'_>,
    paging_key: &str,
    page_size: Option<&PageSize>,
) {
    if page_size.is_some_and(|size| size.default == 0) {
        checker.error_value(
            &format!("{paging_key}.page_size.default"),
            Diagnostic::new("the default page size must be at least 1"),
        );
    }
}

/// One-of groups: members are declared, optional, single values; the group's type name
/// is free.
fn one_of_groups(checker: &mut Checker<'_>, key: &str, endpoint: &Endpoint) {
    let names: Vec<&str> = endpoint.params.keys().map(String::as_str).collect();
    for (group, members) in &endpoint.one_of {
        let group_key = format!("{key}.one_of.{group}");
        names::check_identifier(checker, &group_key, group, true);
        let ty = crate::generate::names::type_ident(group).to_string();
        if matches!(ty.as_str(), "Customer" | "Client" | "ClientBuilder") {
            checker.error(
                &group_key,
                Diagnostic::new(format!(
                    "the group name `{group}` would hide the type `{ty}`"
                ))
                .hint("name the group after what it finds, such as `lookup`"),
            );
        }
        if members.len() < 2 {
            checker.error_value(
                &group_key,
                Diagnostic::new("a one-of group needs at least two parameters")
                    .hint("a single parameter that every call needs is `required: true`"),
            );
        }
        for member in members {
            match endpoint.params.get(member) {
                None => checker.error_value(
                    &group_key,
                    Diagnostic::new(format!("`{member}` is not a parameter of this endpoint"))
                        .maybe_hint(
                            did_you_mean(member, &names)
                                .map(|best| format!("did you mean `{best}`?")),
                        ),
                ),
                Some(param) if param.required || param.list => checker.error_value(
                    &group_key,
                    Diagnostic::new(format!(
                        "`{member}` cannot be in a one-of group: it is {}",
                        if param.required { "required" } else { "a list" }
                    )),
                ),
                Some(_) => {}
            }
        }
    }
}

fn param_rules(checker: &mut Checker<'_>, key: &str, param: &Param) {
    if param.variants.is_some() && param.ty != ParamType::Enum {
        checker.error(
            &format!("{key}.variants"),
            Diagnostic::new("`variants` names the values of an `enum` parameter"),
        );
    }
    if param.indexed_pair.is_some() && (param.location != ParamLocation::Query || param.list) {
        checker.error(
            &format!("{key}.indexed_pair"),
            Diagnostic::new("`indexed_pair` applies to single-valued `query` parameters"),
        );
    }
    if param.list && !matches!(param.location, ParamLocation::Query | ParamLocation::Body) {
        checker.error(
            &format!("{key}.list"),
            Diagnostic::new("only `query` and `body` parameters can be lists"),
        );
    }
    let numeric = matches!(param.ty, ParamType::Integer | ParamType::Number);
    let ty = format!("{:?}", param.ty).to_lowercase();
    for (rule, present, allowed, types) in [
        ("min", param.min.is_some(), numeric, "integer and number"),
        ("max", param.max.is_some(), numeric, "integer and number"),
        (
            "min_length",
            param.min_length.is_some(),
            param.ty == ParamType::String,
            "string",
        ),
        (
            "max_length",
            param.max_length.is_some(),
            param.ty == ParamType::String,
            "string",
        ),
        (
            "format",
            param.format.is_some(),
            matches!(param.ty, ParamType::Date | ParamType::Datetime),
            "date and datetime",
        ),
        (
            "values",
            param.values.is_some(),
            param.ty == ParamType::Enum,
            "enum",
        ),
    ] {
        if present && !allowed {
            checker.error(
                &format!("{key}.{rule}"),
                Diagnostic::new(format!(
                    "`{rule}` does not apply to a parameter of type `{ty}`"
                ))
                .hint(format!("`{rule}` applies to {types} parameters")),
            );
        }
    }
    if let (Some(min), Some(max)) = (param.min, param.max) {
        if min > max {
            checker.error(
                &format!("{key}.min"),
                Diagnostic::new(format!("`min` ({min}) is greater than `max` ({max})")),
            );
        }
    }
    if param.ty == ParamType::Integer {
        for (rule, bound) in [("min", param.min), ("max", param.max)] {
            if bound.is_some_and(|value| value.fract() != 0.0) {
                checker.error_value(
                    &format!("{key}.{rule}"),
                    Diagnostic::new(format!("an integer parameter's `{rule}` must be whole")),
                );
            }
        }
    }
    if let (Some(min), Some(max)) = (param.min_length, param.max_length) {
        if min > max {
            checker.error(
                &format!("{key}.min_length"),
                Diagnostic::new("`min_length` is greater than `max_length`"),
            );
        }
    }
    if matches!(param.ty, ParamType::Date | ParamType::Datetime) {
        match &param.format {
            None => checker.error(
                key,
                Diagnostic::new(format!("a `{ty}` parameter needs `format`"))
                    .hint("give the provider's format in strftime notation, such as `%Y-%m-%d`"),
            ),
            Some(format) => {
                super::normalize::check_strftime(checker, &format!("{key}.format"), format, &[])
            }
        }
    }
    if param.ty == ParamType::Enum {
        match &param.values {
            Some(values) if !values.is_empty() => {
                let (names, names_key) = match &param.variants {
                    Some(names) => {
                        if names.len() != values.len() {
                            checker.error_value(
                                &format!("{key}.variants"),
                                Diagnostic::new(format!(
                                    "{} variant names for {} values",
                                    names.len(),
                                    values.len()
                                ))
                                .hint("give one name per value, in the same order"),
                            );
                        }
                        (names, "variants")
                    }
                    None => (values, "values"),
                };
                let mut variants: Vec<String> = Vec::new();
                for value in names {
                    let variant = crate::generate::names::variant_name(value);
                    if variant.is_empty() || variants.contains(&variant) {
                        checker.error_value(
                            &format!("{key}.{names_key}"),
                            Diagnostic::new(format!(
                                "enum value `{value}` does not give a distinct Rust variant name"
                            ))
                            .hint("name the variants: `variants: [Ascending, Descending]`"),
                        );
                    }
                    variants.push(variant);
                }
            }
            _ => checker.error(
                key,
                Diagnostic::new("an `enum` parameter needs a non-empty `values` list"),
            ),
        }
    }
    if let Some(default) = &param.default {
        if param.required {
            checker.error(
                &format!("{key}.default"),
                Diagnostic::new("a required parameter cannot have a default")
                    .hint("every call passes a required parameter, so the default is never used: remove `default`, or drop `required: true`"),
            );
        } else if !default_fits(param, default) {
            checker.error_value(
                &format!("{key}.default"),
                Diagnostic::new(format!(
                    "the default `{default}` does not fit the parameter"
                ))
                .expected(match &param.values {
                    Some(values) if param.ty == ParamType::Enum => {
                        format!("one of {}", values.join(", "))
                    }
                    _ => format!("a value of type `{ty}` within the parameter's own rules"),
                }),
            );
        }
    }
    if param.location == ParamLocation::Path && !param.required {
        checker.error(
            &format!("{key}.in"),
            Diagnostic::new("a path parameter must be `required: true`")
                .hint("add `required: true`"),
        );
    }
}

/// Whether a parameter's `default` has its type and meets its rules.
fn default_fits(param: &Param, default: &serde_json::Value) -> bool {
    let in_range = |value: f64| {
        param.min.is_none_or(|min| value >= min) && param.max.is_none_or(|max| value <= max)
    };
    match param.ty {
        ParamType::Integer => default.as_i64().is_some_and(|value| in_range(value as f64)),
        ParamType::Number => default.as_f64().is_some_and(in_range),
        ParamType::Boolean => default.is_boolean(),
        ParamType::String => default.as_str().is_some_and(|text| {
            let length = text.chars().count();
            param.min_length.is_none_or(|min| length >= min)
                && param.max_length.is_none_or(|max| length <= max)
        }),
        ParamType::Date | ParamType::Datetime => default.is_string(),
        ParamType::Enum => default.as_str().is_some_and(|text| {
            param
                .values
                .as_ref()
                .is_some_and(|values| values.iter().any(|value| value == text))
        }),
    }
}
