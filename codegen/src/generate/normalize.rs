//! The normalizer: straight-line code that reads raw fields through the runtime's
//! transforms into a `Customer`. Paths were checked by the validator; here they become
//! field accesses, with a `match` wherever a field may be absent or withheld.

use super::names::field_ident;
use super::Context;
use crate::spec::path::{self, Step};
use crate::spec::Target;
use crate::spec::{
    AddressMap, CustomFieldList, CustomFieldType, DateTimeFormat, FieldDef, FieldType, ScalarType,
    UnixUnit, ValueMap,
};
use indexmap::IndexMap;
use proc_macro2::TokenStream;
use quote::quote;

/// The named parts of an address mapping, in `Address` field order.
pub fn address_parts(address: &AddressMap) -> [(&'static str, &Option<ValueMap>); 9] {
    [
        ("line1", &address.line1),
        ("line2", &address.line2),
        ("ward", &address.ward),
        ("district", &address.district),
        ("city", &address.city),
        ("state", &address.state),
        ("postal_code", &address.postal_code),
        ("country", &address.country),
        ("country_code", &address.country_code),
    ]
}

/// What paths are resolved against: the record (`raw`), or an array item (`item`).
struct Scope {
    place: TokenStream,
    fields: IndexMap<String, FieldDef>,
    /// The keys from the record to this scope's owner: empty for the record, the array's
    /// path for an item. Every path read is recorded under it (see [`Context::read`]).
    prefix: Vec<String>,
    /// Whether this is an item of an array of scalars (read with the path `.`).
    scalar_item: bool,
}

/// The `normalize_record` function that endpoint statics point at: decodes a record's
/// view and maps it into a `Customer`.
pub fn normalizer(ctx: &Context<'_>) -> Result<TokenStream, String> {
    let rt = &ctx.runtime;
    let spec = ctx.spec;
    let n = &spec.normalize;
    let record = Scope {
        place: quote!(raw),
        fields: spec.record.clone(),
        prefix: Vec::new(),
        scalar_item: false,
    };
    let provider = &spec.provider;
    let mut body = Vec::new();

    let remote_id = target(ctx, &record, &n.remote_id, Target::Text, "remote_id")?;
    let single_text = [
        ("code", &n.code),
        ("full_name", &n.full_name),
        ("given_name", &n.given_name),
        ("family_name", &n.family_name),
        ("salutation", &n.salutation),
        ("company", &n.company),
        ("source", &n.source),
    ];
    for (name, map) in single_text {
        if let Some(map) = map {
            let ident = field_ident(name);
            let value = target(ctx, &record, map, Target::Text, name)?;
            body.push(quote!(customer.#ident = #value;));
        }
    }
    if let Some(map) = &n.gender {
        let value = target(ctx, &record, map, Target::Gender, "gender")?;
        body.push(quote!(customer.gender = #value.unwrap_or(#rt::model::Gender::Unknown);));
    }
    if let Some(map) = &n.active {
        let value = target(ctx, &record, map, Target::Bool, "active")?;
        body.push(quote!(customer.active = #value;));
    }
    for (name, map, kind) in [
        ("total_spent", &n.total_spent, Target::Money),
        ("order_count", &n.order_count, Target::Count),
        ("visit_count", &n.visit_count, Target::Count),
        ("created_at", &n.created_at, Target::DateTime),
        ("updated_at", &n.updated_at, Target::DateTime),
    ] {
        if let Some(map) = map {
            let ident = field_ident(name);
            let value = target(ctx, &record, map, kind, name)?;
            body.push(quote!(customer.#ident = #value;));
        }
    }
    if let Some(loyalty) = &n.loyalty {
        for (name, map, kind) in [
            ("tier", &loyalty.tier, Target::Text),
            (
                "membership_number",
                &loyalty.membership_number,
                Target::Text,
            ),
            ("points", &loyalty.points, Target::Decimal),
            (
                "available_points",
                &loyalty.available_points,
                Target::Decimal,
            ),
        ] {
            if let Some(map) = map {
                let ident = field_ident(name);
                let value = target(ctx, &record, map, kind, name)?;
                body.push(quote!(customer.loyalty.#ident = #value;));
            }
        }
    }
    for (name, items) in [("groups", &n.groups), ("tags", &n.tags)] {
        let ident = field_ident(name);
        let lists = items
            .iter()
            .map(|item| target(ctx, &record, item, Target::List, name))
            .collect::<Result<Vec<_>, _>>()?;
        if !lists.is_empty() {
            body.push(quote!(#(customer.#ident.extend(#lists);)*));
        }
    }

    // Personal data: withheld when any source field is withheld.
    if let Some(map) = &n.birth_date {
        let value = target(ctx, &record, map, Target::Date, "birth_date")?;
        body.push(pii_assign(ctx, &record, &[map], quote!(birth_date), value));
    }
    let region = option_str(spec.defaults.phone_region.as_deref());
    body.push(contact_list(
        ctx,
        &record,
        ContactList {
            field: "phones",
            start: quote!(#rt::normalize::Phones::new(#region)),
            finish: quote!(list.into_vec()),
        },
        &n.phones,
        |scope, phone| {
            let number = target(ctx, scope, &phone.number, Target::Text, "phones")?;
            let code = match &phone.country_code {
                Some(map) => target(ctx, scope, map, Target::Text, "phones")?,
                None => quote!(::core::option::Option::None),
            };
            let kind = option_str(phone.kind.as_deref());
            Ok(quote!(list.push(#number, #code, #kind);))
        },
        |phone| [Some(&phone.number), phone.country_code.as_ref()],
        |phone| phone.each.as_deref(),
    )?);
    body.push(contact_list(
        ctx,
        &record,
        ContactList::vec("emails"),
        &n.emails,
        |scope, email| {
            let address = target(ctx, scope, &email.address, Target::Text, "emails")?;
            let kind = option_label(email.kind.as_deref());
            Ok(quote!(list.extend(#address.map(|address| #rt::model::Email { address, kind: #kind }));))
        },
        |email| [Some(&email.address), None],
        |email| email.each.as_deref(),
    )?);
    body.push(contact_list(
        ctx,
        &record,
        ContactList::vec("national_ids"),
        &n.national_ids,
        |scope, id| {
            let value = target(ctx, scope, &id.value, Target::Text, "national_ids")?;
            let kind = label(&id.kind);
            Ok(quote!(list.extend(#value.map(|value| #rt::model::NationalId { kind: #kind, value }));))
        },
        |id| [Some(&id.value), None],
        |id| id.each.as_deref(),
    )?);
    body.push(addresses(ctx, &record)?);
    body.push(social_profiles(ctx, &record)?);
    if !n.custom_fields.is_empty() {
        let count = n.custom_fields.len();
        body.push(quote!(customer.custom_fields.reserve(#count);));
    }
    for (name, map) in &n.custom_fields {
        body.push(custom_field(ctx, &record, name, map)?);
    }
    for list in &n.custom_field_list {
        body.push(custom_field_list(ctx, &record, list)?);
    }

    let view = super::record::view_type(ctx);
    Ok(quote! {
        fn normalize_record(
            record: #rt::record::RawRecord,
        ) -> ::core::result::Result<
            #rt::Customer,
            (#rt::record::RawRecord, ::std::string::String),
        > {
            // The customer owns the record's text from the start and the view borrows it
            // there. The mappings write only the customer's other fields (a closure
            // captures just the fields it uses), so the customer is built where it stays
            // until it is returned. The view is matched by reference, where it was decoded:
            // moving it out of its `Result` would copy it.
            let #rt::record::RawRecord { position, json } = record;
            let mut customer =
                #rt::Customer::new(#provider, ::core::default::Default::default(), json);
            let text = customer.raw.get();
            let outcome = match &#rt::scan::decode_record::<#view>(text) {
                ::core::result::Result::Ok(raw) => (|| {
                    customer.remote_id = #remote_id
                        .ok_or_else(|| #rt::normalize::NormalizeError::new("remote_id", "is empty"))?;
                    #(#body)*
                    ::core::result::Result::Ok::<(), #rt::normalize::NormalizeError>(())
                })()
                .map_err(|error| error.to_string()),
                ::core::result::Result::Err(error) => {
                    ::core::result::Result::Err(#rt::scan::decode_reason(error, text))
                }
            };
            match outcome {
                ::core::result::Result::Ok(()) => ::core::result::Result::Ok(customer),
                ::core::result::Result::Err(reason) => ::core::result::Result::Err((
                    #rt::record::RawRecord { position, json: customer.raw },
                    reason,
                )),
            }
        }
    })
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    }
}

/// A `Label` of a spec's constant: borrowed, nothing allocated per record.
fn label(text: &str) -> TokenStream {
    quote!(::std::borrow::Cow::Borrowed(#text))
}

/// An `Option<Label>` of a spec's constant (see [`label`]).
fn option_label(value: Option<&str>) -> TokenStream {
    match value.map(label) {
        Some(label) => quote!(::core::option::Option::Some(#label)),
        None => quote!(::core::option::Option::None),
    }
}

/// `customer.<field> = Pii::Known(value)`, or `Withheld` when a source field is withheld.
fn pii_assign(
    ctx: &Context<'_>,
    scope: &Scope,
    maps: &[&ValueMap],
    field: TokenStream,
    value: TokenStream,
) -> TokenStream {
    let rt = &ctx.runtime;
    let checks = withheld_checks(scope, maps.iter().flat_map(|map| source_paths(map)));
    if checks.is_empty() {
        quote!(customer.#field = #rt::Pii::Known(#value);)
    } else {
        quote! {
            customer.#field = if #(#checks)||* { #rt::Pii::Withheld } else { #rt::Pii::Known(#value) };
        }
    }
}

/// `raw.<field>.is_withheld()` for each PII-scoped top-level field the paths start at.
fn withheld_checks<'a>(scope: &Scope, paths: impl Iterator<Item = &'a str>) -> Vec<TokenStream> {
    let mut fields: Vec<&str> = Vec::new();
    for from in paths {
        let first = from.split('.').next().unwrap_or(from);
        if scope.fields.get(first).is_some_and(|def| def.pii.is_some()) && !fields.contains(&first)
        {
            fields.push(first);
        }
    }
    fields
        .into_iter()
        .map(|first| {
            let ident = field_ident(first);
            quote!(raw.#ident.is_withheld())
        })
        .collect()
}

/// A value read from `path` with no transforms.
fn path_value(path: &str) -> ValueMap {
    ValueMap(crate::spec::normalize_value_from(path))
}

/// Every record-level path a value reads (`from`, `each`, `date_parts`, and those of
/// `first_of`).
fn source_paths(map: &ValueMap) -> Vec<&str> {
    let mut paths: Vec<&str> = map.each.as_deref().into_iter().collect();
    if let Some(parts) = &map.date_parts {
        paths.extend(parts.year.as_deref());
        paths.extend([parts.month.as_str(), parts.day.as_str()]);
    }
    if let (None, Some(from)) = (&map.each, &map.from) {
        paths.push(from);
    }
    for alternative in map.first_of.iter().flatten() {
        paths.extend(source_paths(alternative));
    }
    paths
}

/// A contact list of `Customer` and how it is built: `start` makes the empty builder,
/// bound to `list`, and `finish` turns it into the `Vec` the customer keeps.
struct ContactList {
    field: &'static str,
    start: TokenStream,
    finish: TokenStream,
}

impl ContactList {
    /// The list `field`, a plain `Vec` (filled with `list.extend(..)`).
    fn vec(field: &'static str) -> ContactList {
        ContactList {
            field,
            start: quote!(::std::vec::Vec::new()),
            finish: quote!(list),
        }
    }
}

/// A list of contacts (phones, emails, ids): each mapping adds one item, or one per array
/// item under `each`, with the statement `add` writes (which adds to `list`).
fn contact_list<'m, M>(
    ctx: &Context<'_>,
    record: &Scope,
    list: ContactList,
    maps: &'m [M],
    add: impl Fn(&Scope, &'m M) -> Result<TokenStream, String>,
    values: impl Fn(&'m M) -> [Option<&'m ValueMap>; 2],
    each: impl Fn(&'m M) -> Option<&'m str>,
) -> Result<TokenStream, String> {
    let rt = &ctx.runtime;
    let ident = field_ident(list.field);
    if maps.is_empty() {
        return Ok(TokenStream::new());
    }
    let mut adds = Vec::new();
    let mut sources: Vec<&str> = Vec::new();
    for map in maps {
        match each(map) {
            None => {
                adds.push(add(record, map)?);
                for value_map in values(map).into_iter().flatten() {
                    sources.extend(source_paths(value_map));
                }
            }
            Some(array) => {
                sources.push(array);
                let (items, scope) = each_items(ctx, record, array)?;
                let add = add(&scope, map)?;
                adds.push(quote!(for item in #items { #add }));
            }
        }
    }
    let checks = withheld_checks(record, sources.into_iter());
    let ContactList { start, finish, .. } = list;
    let build = quote!({ let mut list = #start; #(#adds)* #finish });
    Ok(if checks.is_empty() {
        quote!(customer.#ident = #rt::Pii::Known(#build);)
    } else {
        quote!(customer.#ident = if #(#checks)||* { #rt::Pii::Withheld } else { #rt::Pii::Known(#build) };)
    })
}

fn addresses(ctx: &Context<'_>, record: &Scope) -> Result<TokenStream, String> {
    let rt = &ctx.runtime;
    let maps = &ctx.spec.normalize.addresses;
    if maps.is_empty() {
        return Ok(TokenStream::new());
    }
    let mut pushes = Vec::new();
    let mut sources: Vec<&str> = Vec::new();
    for address in maps {
        let items = match &address.each {
            Some(array) => {
                sources.push(array);
                Some(each_items(ctx, record, array)?)
            }
            None => None,
        };
        let scope = items.as_ref().map_or(record, |(_, scope)| scope);
        let mut parts = Vec::new();
        for (part, map) in address_parts(address) {
            let ident = field_ident(part);
            let value = match map {
                Some(map) => {
                    if address.each.is_none() {
                        sources.extend(source_paths(map));
                    }
                    let value = target(ctx, scope, map, Target::Text, "addresses")?;
                    if part == "country_code" {
                        quote!(#value.map(|code| code.to_uppercase()))
                    } else {
                        value
                    }
                }
                None => quote!(::core::option::Option::None),
            };
            parts.push(quote!(#ident: #value));
        }
        let kind = option_label(address.kind.as_deref());
        let build = quote! {
            let address = #rt::model::Address { kind: #kind, #(#parts,)* };
            if !address.is_blank() {
                list.push(address);
            }
        };
        pushes.push(match items {
            Some((items, _)) => quote!(for item in #items { #build }),
            None => quote!({ #build }),
        });
    }
    let checks = withheld_checks(record, sources.into_iter());
    let build = quote!({ let mut list = ::std::vec::Vec::new(); #(#pushes)* list });
    Ok(if checks.is_empty() {
        quote!(customer.addresses = #rt::Pii::Known(#build);)
    } else {
        quote!(customer.addresses = if #(#checks)||* { #rt::Pii::Withheld } else { #rt::Pii::Known(#build) };)
    })
}

fn social_profiles(ctx: &Context<'_>, record: &Scope) -> Result<TokenStream, String> {
    let rt = &ctx.runtime;
    let mut pushes = Vec::new();
    for profile in &ctx.spec.normalize.social_profiles {
        let items = match &profile.each {
            Some(array) => Some(each_items(ctx, record, array)?),
            None => None,
        };
        let scope = items.as_ref().map_or(record, |(_, scope)| scope);
        let mut parts = Vec::new();
        for (part, map) in [
            ("id", &profile.id),
            ("url", &profile.url),
            ("name", &profile.name),
        ] {
            let ident = field_ident(part);
            let value = match map {
                Some(map) => target(ctx, scope, map, Target::Text, "social_profiles")?,
                None => quote!(::core::option::Option::None),
            };
            parts.push(quote!(#ident: #value));
        }
        let network = label(&profile.network);
        let build = quote! {
            let profile = #rt::model::SocialProfile { network: #network, #(#parts,)* };
            if profile.id.is_some() || profile.url.is_some() || profile.name.is_some() {
                customer.social_profiles.push(profile);
            }
        };
        pushes.push(match items {
            Some((items, _)) => quote!(for item in #items { #build }),
            None => quote!({ #build }),
        });
    }
    Ok(quote!(#(#pushes)*))
}

fn custom_field(
    ctx: &Context<'_>,
    record: &Scope,
    name: &str,
    map: &ValueMap,
) -> Result<TokenStream, String> {
    let rt = &ctx.runtime;
    let ty = map.ty.unwrap_or_default();
    let kind = Target::of_custom(ty);
    let value = target(ctx, record, map, kind, "custom_fields")?;
    let name = label(name);
    let wrap = match ty {
        CustomFieldType::Text => quote!(#rt::model::CustomValue::Text),
        CustomFieldType::Number => quote!(#rt::model::CustomValue::Number),
        CustomFieldType::Bool => quote!(#rt::model::CustomValue::Bool),
        CustomFieldType::Date => quote!(#rt::model::CustomValue::Date),
        CustomFieldType::Datetime => quote!(#rt::model::CustomValue::DateTime),
        CustomFieldType::Money => quote!(#rt::model::CustomValue::Money),
        CustomFieldType::List => {
            return Ok(quote! {
                let list: ::std::vec::Vec<#rt::model::CompactString> = ::core::iter::IntoIterator::into_iter(#value).collect();
                if !list.is_empty() {
                    customer.custom_fields.push(#rt::model::CustomField {
                        name: #name,
                        value: #rt::model::CustomValue::List(list),
                    });
                }
            })
        }
    };
    Ok(quote! {
        if let ::core::option::Option::Some(value) = #value {
            customer.custom_fields.push(#rt::model::CustomField { name: #name, value: #wrap(value) });
        }
    })
}

/// Custom fields sent as data: one typed field per array item, its type looked up from
/// the item's type name.
fn custom_field_list(
    ctx: &Context<'_>,
    record: &Scope,
    list: &CustomFieldList,
) -> Result<TokenStream, String> {
    let rt = &ctx.runtime;
    let (items, scope) = each_items(ctx, record, &list.each)?;
    let name = target(
        ctx,
        &scope,
        &path_value(&list.name),
        Target::Text,
        "custom_fields",
    )?;
    let mut kinds: Vec<CustomFieldType> = vec![CustomFieldType::Text];
    for ty in list.types.values() {
        if !kinds.contains(ty) {
            kinds.push(*ty);
        }
    }
    let kind_index = |ty: CustomFieldType| kinds.iter().position(|k| *k == ty).unwrap_or(0);
    let type_of = match &list.type_from {
        Some(path) => {
            let value = source_value(ctx, &scope, &path_value(path))?;
            let pairs = list.types.iter().map(|(from, ty)| {
                let index = kind_index(*ty);
                quote!((#from, #index))
            });
            quote!(#rt::normalize::enum_map(&#value, &[#(#pairs),*]).unwrap_or(0usize))
        }
        None => quote!(0usize),
    };
    let mut arms = Vec::new();
    for (index, ty) in kinds.iter().enumerate() {
        let mut map = path_value(&list.value);
        let value = match ty {
            CustomFieldType::List => {
                let items = list.items.as_deref().unwrap_or(&list.value);
                map.each = Some(items.to_string());
                map.from = Some(".".to_string());
                let texts = target(ctx, &scope, &map, Target::List, "custom_fields")?;
                quote!({
                    let texts: ::std::vec::Vec<#rt::model::CompactString> = ::core::iter::IntoIterator::into_iter(#texts).collect();
                    (!texts.is_empty()).then_some(#rt::model::CustomValue::List(texts))
                })
            }
            _ => {
                map.datetime = Some(list.datetime.clone().unwrap_or_else(|| "rfc3339".into()));
                map.date = Some(list.date.clone().unwrap_or_else(|| "iso".into()));
                let wrap = match ty {
                    CustomFieldType::Number => quote!(Number),
                    CustomFieldType::Bool => quote!(Bool),
                    CustomFieldType::Date => quote!(Date),
                    CustomFieldType::Datetime => quote!(DateTime),
                    CustomFieldType::Money => quote!(Money),
                    _ => quote!(Text),
                };
                let value = target(ctx, &scope, &map, Target::of_custom(*ty), "custom_fields")?;
                quote!((#value).map(#rt::model::CustomValue::#wrap))
            }
        };
        arms.push(quote!(#index => #value,));
    }
    Ok(quote! {
        for item in #items {
            let ::core::option::Option::Some(name) = (#name) else { continue };
            let value = match #type_of {
                #(#arms)*
                _ => ::core::option::Option::None,
            };
            if let ::core::option::Option::Some(value) = value {
                customer.custom_fields.push(#rt::model::CustomField { name: ::std::borrow::Cow::Owned(::std::string::String::from(name)), value });
            }
        }
    })
}

/// The items of the array at `array` (a slice, empty when the array is absent) and the
/// scope of one item.
fn each_items(
    ctx: &Context<'_>,
    record: &Scope,
    array: &str,
) -> Result<(TokenStream, Scope), String> {
    let resolved = path::resolve(&record.fields, array)?;
    let prefix = ctx.read(&record.prefix, &resolved);
    let def = resolved
        .leaf()
        .ok_or_else(|| format!("`{array}` is not a declared array"))?;
    let item = path::array_item(def)
        .ok_or_else(|| format!("`{array}` is not an array"))?
        .clone();
    let items = access(
        &record.place,
        &resolved.steps,
        &|place, def| match def {
            Some(def) => unwrap_then(place, def, |inner| quote!(#inner.as_slice()), &quote!(&[])),
            None => quote!(&[]),
        },
        &quote!(&[]),
    );
    let scope = match &item.ty {
        FieldType::Object(fields) => Scope {
            place: quote!(item),
            fields: fields.clone(),
            prefix,
            scalar_item: false,
        },
        _ => Scope {
            place: quote!(item),
            fields: IndexMap::new(),
            prefix,
            scalar_item: true,
        },
    };
    Ok((items, scope))
}

/// An expression of type `Option<T>` (`Vec<CompactString>` for lists) for `map` read in `scope`.
fn target(
    ctx: &Context<'_>,
    scope: &Scope,
    map: &ValueMap,
    kind: Target,
    field: &str,
) -> Result<TokenStream, String> {
    let rt = &ctx.runtime;
    if let Some(alternatives) = &map.first_of {
        let alternatives = alternatives
            .iter()
            .map(|alternative| target(ctx, scope, alternative, kind, field))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(quote!({
            let mut found = ::core::option::Option::None;
            #( if found.is_none() { found = #alternatives; } )*
            found
        }));
    }
    if kind == Target::List {
        return list(ctx, scope, map);
    }
    if let Some(parts) = &map.date_parts {
        let read = |path: Option<&str>| -> Result<TokenStream, String> {
            match path {
                Some(path) => source_value(ctx, scope, &path_value(path)),
                None => Ok(quote!(#rt::normalize::Value::Null)),
            }
        };
        let (year, month, day) = (
            read(parts.year.as_deref())?,
            read(Some(&parts.month))?,
            read(Some(&parts.day))?,
        );
        let base = parts.month_base;
        return Ok(quote!({
            let (year, month, day) = (#year, #month, #day);
            #rt::normalize::date_from_parts(#field, &year, &month, &day, #base)?
        }));
    }
    let value = source_value(ctx, scope, map)?;
    let convert = match kind {
        Target::Text => match &map.map {
            Some(table) => {
                let (from, to) = table_pairs(table);
                quote!(#rt::normalize::enum_map(&value, &[#((#from, #to)),*]).map(#rt::model::CompactString::from))
            }
            None => quote!(#rt::normalize::text(&value)),
        },
        Target::Gender => {
            let table = map.map.clone().unwrap_or_default();
            let pairs = table.iter().map(|(from, to)| {
                let variant = super::names::type_ident(to);
                quote!((#from, #rt::model::Gender::#variant))
            });
            quote!(#rt::normalize::enum_map(&value, &[#(#pairs),*]))
        }
        Target::Bool => match &map.map {
            Some(table) => {
                let pairs = table.iter().map(|(from, to)| {
                    let to = to == "true";
                    quote!((#from, #to))
                });
                quote!(#rt::normalize::enum_map(&value, &[#(#pairs),*]))
            }
            None => quote!(#rt::normalize::boolean(#field, &value)?),
        },
        Target::Date => {
            let format = match map.date.as_deref().unwrap_or("iso") {
                "iso" => quote!(#rt::normalize::DateFormat::Iso),
                pattern => {
                    let pattern = compiled_pattern(ctx, pattern);
                    quote!(#rt::normalize::DateFormat::Pattern(#pattern))
                }
            };
            quote!(#rt::normalize::date(#field, &value, #format)?)
        }
        Target::DateTime => match (&map.unix, &map.datetime) {
            (Some(unit), _) => {
                let unit = match unit {
                    UnixUnit::Seconds => quote!(Seconds),
                    UnixUnit::Millis => quote!(Millis),
                };
                quote!(#rt::normalize::unix(#field, &value, #rt::normalize::UnixUnit::#unit)?)
            }
            (None, Some(format)) => {
                let format = match DateTimeFormat::parse(format) {
                    DateTimeFormat::Rfc3339 => quote!(#rt::normalize::DateTimeFormat::Rfc3339),
                    DateTimeFormat::Pattern(pattern) => {
                        let pattern = compiled_pattern(ctx, &pattern);
                        quote!(#rt::normalize::DateTimeFormat::Pattern(#pattern))
                    }
                };
                let zone = map
                    .timezone
                    .as_deref()
                    .or(ctx.spec.defaults.timezone.as_deref())
                    .unwrap_or("UTC");
                quote!(#rt::normalize::datetime(#field, &value, #format, #zone)?)
            }
            (None, None) => return Err(format!("`{field}` needs `datetime` or `unix`")),
        },
        Target::Money => {
            let format = map.money.clone().unwrap_or_default();
            let thousands = match format
                .thousands
                .as_deref()
                .and_then(|text| text.chars().next())
            {
                Some(c) => quote!(::core::option::Option::Some(#c)),
                None => quote!(::core::option::Option::None),
            };
            let decimal = format
                .decimal
                .as_deref()
                .and_then(|text| text.chars().next())
                .unwrap_or('.');
            let currency = format
                .currency
                .as_deref()
                .or(ctx.spec.defaults.currency.as_deref())
                .ok_or_else(|| format!("`{field}` has no currency"))?;
            quote!(#rt::normalize::money(
                #field,
                &value,
                &#rt::normalize::MoneyFormat { thousands: #thousands, decimal: #decimal },
                #currency,
            )?)
        }
        Target::Count => quote!(#rt::normalize::count(#field, &value)?),
        Target::Decimal => quote!(#rt::normalize::decimal(#field, &value)?),
        Target::List => unreachable!("lists are handled above"),
    };
    Ok(quote!({ let value = #value; #convert }))
}

fn table_pairs(table: &IndexMap<String, String>) -> (Vec<&str>, Vec<&str>) {
    table
        .iter()
        .map(|(from, to)| (from.as_str(), to.as_str()))
        .unzip()
}

/// A `Vec<CompactString>` for a list item mapping.
fn list(ctx: &Context<'_>, scope: &Scope, map: &ValueMap) -> Result<TokenStream, String> {
    let rt = &ctx.runtime;
    let texts = |value: TokenStream, map: &ValueMap, scope: &Scope| match &map.map {
        Some(table) => {
            let (from, to) = table_pairs(table);
            quote!(#rt::normalize::enum_map(&#value, &[#((#from, #to)),*]).map(#rt::model::CompactString::from).into_iter().collect::<::std::vec::Vec<_>>())
        }
        None => match &map.split {
            Some(separator) => quote!(#rt::normalize::text(&#value)
                .map(|text| text.split(#separator).map(str::trim).filter(|part| !part.is_empty()).map(#rt::model::CompactString::from).collect::<::std::vec::Vec<_>>())
                .unwrap_or_default()),
            None if single_text(scope, map) => quote!(#rt::normalize::text(&#value)),
            None => quote!(#rt::normalize::text_list([#value])),
        },
    };
    match &map.each {
        Some(array) => {
            let (items, item_scope) = each_items(ctx, scope, array)?;
            let mut inner = map.clone();
            inner.each = None;
            if inner.from.is_none() {
                inner.from = Some(".".to_string());
            }
            let value = source_value(ctx, &item_scope, &inner)?;
            let texts = texts(quote!(value), &inner, &item_scope);
            Ok(quote!({
                let mut out = ::std::vec::Vec::new();
                for item in #items {
                    let value = #value;
                    out.extend(#texts);
                }
                out
            }))
        }
        None => {
            let value = source_value(ctx, scope, map)?;
            let texts = texts(quote!(value), map, scope);
            Ok(quote!({ let value = #value; #texts }))
        }
    }
}

/// A `&'static normalize::Pattern` for a `strftime` pattern, laid out at compile time (a
/// `static`), so reading a value does not interpret the pattern.
fn compiled_pattern(ctx: &Context<'_>, pattern: &str) -> TokenStream {
    let rt = &ctx.runtime;
    quote!({
        static PATTERN: #rt::normalize::Pattern = #rt::normalize::Pattern::new(#pattern);
        &PATTERN
    })
}

/// Whether the map's source is a constant or a scalar field that is not `json`, so gives
/// at most one text: such a list item is read with `text`, not `text_list`, whose
/// handling of JSON arrays would be generic code run for nothing.
fn single_text(scope: &Scope, map: &ValueMap) -> bool {
    if map.constant.is_some() {
        return true;
    }
    match map.from.as_deref() {
        None | Some(".") => false,
        Some(from) => path::resolve(&scope.fields, from)
            .ok()
            .and_then(|resolved| resolved.leaf_scalar())
            .is_some_and(|scalar| scalar != ScalarType::Json),
    }
}

/// A `Value<'_>` for the map's source, after `null_if`.
fn source_value(ctx: &Context<'_>, scope: &Scope, map: &ValueMap) -> Result<TokenStream, String> {
    let rt = &ctx.runtime;
    let value = if let Some(constant) = &map.constant {
        match constant {
            serde_json::Value::Bool(b) => quote!(#rt::normalize::Value::Bool(#b)),
            serde_json::Value::Number(number) if number.is_i64() => {
                let i = number.as_i64().unwrap_or_default();
                quote!(#rt::normalize::Value::Int(#i))
            }
            serde_json::Value::Number(number) => {
                let f = number.as_f64().unwrap_or_default();
                quote!(#rt::normalize::Value::Float(#f))
            }
            serde_json::Value::String(text) => {
                quote!(#rt::normalize::Value::Str(::std::borrow::Cow::Borrowed(#text)))
            }
            _ => quote!(#rt::normalize::Value::Null),
        }
    } else {
        let from = map.from.as_deref().unwrap_or(".");
        if from == "." {
            if !scope.scalar_item {
                return Err("`.` used outside `each`".to_string());
            }
            // The item is already a reference.
            let place = &scope.place;
            quote!(#rt::normalize::AsValue::as_value(#place))
        } else {
            let resolved = path::resolve(&scope.fields, from)?;
            ctx.read(&scope.prefix, &resolved);
            access(
                &scope.place,
                &resolved.steps,
                &|place, _| quote!(#rt::normalize::AsValue::as_value(&#place)),
                &quote!(#rt::normalize::Value::Null),
            )
        }
    };
    Ok(if map.null_if.is_empty() {
        value
    } else {
        let sentinels = &map.null_if;
        quote!(#rt::normalize::null_if(#value, &[#(#sentinels),*]))
    })
}

/// Reads the field at `steps` below `place`: `leaf(place_of_field, def)` at the end, and
/// `none` where an object on the way is absent or withheld. Inside a `json` field the
/// rest of the path are JSON keys.
fn access(
    place: &TokenStream,
    steps: &[Step<'_>],
    leaf: &dyn Fn(TokenStream, Option<&FieldDef>) -> TokenStream,
    none: &TokenStream,
) -> TokenStream {
    let Some((step, rest)) = steps.split_first() else {
        return leaf(place.clone(), None);
    };
    let Some(def) = step.def else {
        return leaf(place.clone(), None);
    };
    let ident = field_ident(step.key);
    let field = quote!(#place.#ident);
    if rest.is_empty() {
        return leaf(field, Some(def));
    }
    match &def.ty {
        FieldType::Scalar(ScalarType::Json) => {
            let keys = rest.iter().map(|step| step.key);
            let found = leaf(quote!((*json)), None);
            quote!(match ::core::option::Option::Some(&#field)#(.and_then(|json| json.get(#keys)))* {
                ::core::option::Option::Some(json) => #found,
                ::core::option::Option::None => #none,
            })
        }
        _ => unwrap_then(field, def, |inner| access(&inner, rest, leaf, none), none),
    }
}

/// Runs `body` on the value inside a field's `Pii`/`Option` wrappers, or gives `none`.
fn unwrap_then(
    field: TokenStream,
    def: &FieldDef,
    body: impl FnOnce(TokenStream) -> TokenStream,
    none: &TokenStream,
) -> TokenStream {
    let is_json = matches!(def.ty, FieldType::Scalar(ScalarType::Json));
    let optional = (def.nullable || def.empty_array_is_null) && !is_json && !def.one_or_many;
    match (def.pii.is_some(), optional) {
        (false, false) => body(field),
        (false, true) => {
            let inner = body(quote!(inner));
            quote!(match &#field {
                ::core::option::Option::Some(inner) => #inner,
                ::core::option::Option::None => #none,
            })
        }
        (true, false) => {
            let inner = body(quote!(inner));
            quote!(match #field.known() {
                ::core::option::Option::Some(inner) => #inner,
                ::core::option::Option::None => #none,
            })
        }
        (true, true) => {
            let inner = body(quote!(inner));
            quote!(match #field.known() {
                ::core::option::Option::Some(::core::option::Option::Some(inner)) => #inner,
                _ => #none,
            })
        }
    }
}
