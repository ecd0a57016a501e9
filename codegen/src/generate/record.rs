//! The raw record types: one struct per object in the spec's `record`, with serde
//! attributes for each quirk the spec declares.
//!
//! Each is generated twice: the public owned types (what `raw_stream` yields), and a
//! private borrowed twin in `mod view` whose text fields borrow from the record's JSON,
//! which the normalizer decodes into: it allocates only the texts it keeps. The view
//! declares only the fields the normalizer reads (see [`super::reads`]), so decoding
//! skips the rest.

use super::names::{field_ident, type_ident};
use super::Context;
use crate::spec::{FieldDef, FieldType, ScalarType};
use indexmap::IndexMap;
use proc_macro2::TokenStream;
use quote::quote;

/// The raw record type's name in every provider module.
pub const RECORD_TYPE: &str = "Customer";

/// The private module of the borrowed twins of the raw record types.
pub const VIEW_MODULE: &str = "view";

/// Which of the two families of raw record types is generated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    /// Public, owned, `Clone + Serialize`: what `raw_stream` yields.
    Owned,
    /// Private, borrowing text from the JSON: what the normalizer decodes into.
    View,
}

/// Every struct of the raw record, the top-level one named [`RECORD_TYPE`], and their
/// borrowed twins in the module [`VIEW_MODULE`].
pub fn record_types(ctx: &Context<'_>) -> TokenStream {
    let mut out = TokenStream::new();
    let doc = format!(
        "A {} customer record exactly as the API sends it: every field the spec declares, typed.\n\n\
         `Debug` prints no field values: records are personal data.",
        ctx.spec.title
    );
    object_type(
        ctx,
        Family::Owned,
        RECORD_TYPE,
        &doc,
        &ctx.spec.record,
        &mut out,
    );
    let mut views = TokenStream::new();
    let doc = "The raw record as the normalizer reads it: the fields it reads, text borrowed \
               from the JSON.";
    object_type(
        ctx,
        Family::View,
        RECORD_TYPE,
        doc,
        &view_fields(ctx),
        &mut views,
    );
    let module = quote::format_ident!("{}", VIEW_MODULE);
    out.extend(quote! {
        /// Borrowed twins of the raw record types, decoded without copying text.
        #[allow(dead_code)]
        mod #module {
            #views
        }
    });
    out
}

/// The view of the top-level record type, as named outside [`VIEW_MODULE`]. Call it
/// once the normalizer's reads are all recorded.
pub fn view_type(ctx: &Context<'_>) -> TokenStream {
    let module = quote::format_ident!("{}", VIEW_MODULE);
    let ident = type_ident(RECORD_TYPE);
    let lifetime = view_fields(ctx).values().any(borrows).then(|| quote!(<'_>));
    quote!(#module::#ident #lifetime)
}

/// The record's fields as the view declares them: those the normalizer reads.
fn view_fields(ctx: &Context<'_>) -> IndexMap<String, FieldDef> {
    ctx.reads.borrow().prune(&[], &ctx.spec.record)
}

fn object_type(
    ctx: &Context<'_>,
    family: Family,
    name: &str,
    doc: &str,
    fields: &IndexMap<String, FieldDef>,
    out: &mut TokenStream,
) {
    let rt = &ctx.runtime;
    let ident = type_ident(name);
    let mut members = Vec::new();
    let mut decoded = Vec::new();
    for (index, (key, def)) in fields.iter().enumerate() {
        let field = field_ident(key);
        let nested_name = format!("{name}_{key}");
        let ty = field_type(ctx, family, &nested_name, key, def, out);
        decoded.push(decode_field(ctx, index, key, def, &field, &ty));
        let mut serde_args = Vec::new();
        if field.to_string().trim_start_matches("r#") != key {
            serde_args.push(quote!(rename = #key));
        }
        if family == Family::View && borrows(def) {
            serde_args.push(quote!(borrow));
        }
        serde_args.extend(quirk_attrs(ctx, family, def));
        let serde_attr = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
        let doc = field_doc(key, def);
        members.push(quote! {
            #[doc = #doc]
            #serde_attr
            pub #field: #ty
        });
    }
    let type_name = ident.to_string();
    let serde_crate = format!("{}::__private::serde", ctx.runtime_path);
    if family == Family::View {
        let lifetime = fields.values().any(borrows).then(|| quote!(<'a>));
        let slots = decoded.iter().map(|field| &field.slot);
        let arms = decoded.iter().map(|field| &field.arm);
        let finals = decoded.iter().map(|field| &field.value);
        let keys = fields.keys();
        let count = fields.len();
        let positions = fields
            .keys()
            .enumerate()
            .map(|(index, key)| quote!(#key => ::core::option::Option::Some(#index)));
        out.extend(quote! {
            #[doc = #doc]
            #[derive(#rt::__private::serde::Deserialize)]
            #[serde(crate = #serde_crate)]
            pub struct #ident #lifetime {
                #(#members,)*
            }

            impl<'a> #rt::scan::Decode<'a> for #ident #lifetime {
                fn decode(
                    scanner: &mut #rt::scan::Scanner<'a>,
                ) -> ::core::result::Result<Self, #rt::scan::ScanError> {
                    static KEYS: #rt::scan::Keys<#count> = #rt::scan::Keys::new(
                        [#(#keys),*],
                        |key| match key {
                            #(#positions,)*
                            _ => ::core::option::Option::None,
                        },
                    );
                    /// The fields read so far.
                    #[derive(Default)]
                    struct Slots #lifetime {
                        #(#slots,)*
                    }
                    impl<'a> Slots #lifetime {
                        /// Reads the value of the field at position `field` (`None`: a
                        /// key the type does not read) into its slot. Not inlined, so
                        /// the slots stay in memory and each key's value is stored once
                        /// where it belongs, instead of every slot being carried from
                        /// one key to the next in registers.
                        #[inline(never)]
                        fn read(
                            &mut self,
                            scanner: &mut #rt::scan::Scanner<'a>,
                            field: ::core::option::Option<usize>,
                        ) -> ::core::result::Result<(), #rt::scan::ScanError> {
                            match field {
                                #(#arms)*
                                _ => scanner.skip()?,
                            }
                            ::core::result::Result::Ok(())
                        }
                    }
                    let mut slots = Slots::default();
                    scanner.fields(&KEYS, |scanner, field| slots.read(scanner, field))?;
                    ::core::result::Result::Ok(Self { #(#finals,)* })
                }
            }
        });
        return;
    }
    out.extend(quote! {
        #[doc = #doc]
        #[derive(Clone, #rt::__private::serde::Deserialize, #rt::__private::serde::Serialize)]
        #[serde(crate = #serde_crate)]
        pub struct #ident {
            #(#members,)*
        }

        impl ::core::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#type_name).finish_non_exhaustive()
            }
        }
    });
}

/// How a view type's generated decoder reads one field: a slot for its value (a member of
/// the decoder's `Slots`), the match arm that fills it, and the field's final value (a
/// default or an error when absent).
struct DecodedField {
    slot: TokenStream,
    arm: TokenStream,
    value: TokenStream,
}

fn decode_field(
    ctx: &Context<'_>,
    index: usize,
    key: &str,
    def: &FieldDef,
    field: &proc_macro2::Ident,
    ty: &TokenStream,
) -> DecodedField {
    let rt = &ctx.runtime;
    let scan = quote!(#rt::scan);
    let quirk = quirk(def);
    let read = match quirk {
        Quirk::EmptyArrayIsNull => quote!(#scan::into_slot(#scan::empty_array_as_none)),
        Quirk::OneOrMany => quote!(#scan::into_slot(#scan::one_or_many)),
        Quirk::Pii | Quirk::Json | Quirk::Plain => quote!(<#ty as #scan::Decode<'a>>::decode_into),
    };
    let duplicate = format!("the field `{key}` once");
    let missing = format!("the field `{key}`");
    let slot = quote!(slots.#field);
    // Absent: what serde's `default`s give, or, for a required field, an error.
    let value = match quirk {
        Quirk::Pii => quote!(#slot.unwrap_or(#rt::Pii::Withheld)),
        Quirk::EmptyArrayIsNull | Quirk::OneOrMany | Quirk::Json => {
            quote!(#slot.unwrap_or_default())
        }
        Quirk::Plain if def.nullable => quote!(#slot.unwrap_or_default()),
        Quirk::Plain => quote! {
            match #slot {
                ::core::option::Option::Some(value) => value,
                ::core::option::Option::None => return scanner.error(#missing),
            }
        },
    };
    DecodedField {
        slot: quote!(#field: ::core::option::Option<#ty>),
        arm: quote! {
            ::core::option::Option::Some(#index) => {
                #scan::fill(&mut self.#field, scanner, #duplicate, #read)?
            }
        },
        value: quote!(#field: #value),
    }
}

fn field_doc(key: &str, def: &FieldDef) -> String {
    let mut doc = def.doc.clone().unwrap_or_else(|| format!("`{key}`."));
    if let Some(scope) = &def.pii {
        doc.push_str(&format!(
            "\n\nPersonal data: `Withheld` when the token lacks the `{scope}` scope."
        ));
    }
    if def.empty_array_is_null {
        doc.push_str("\n\nThe provider sends `[]` when empty; that reads as `None`.");
    }
    doc
}

/// Whether a field's view type borrows text from the JSON (has the lifetime `'a`).
fn borrows(def: &FieldDef) -> bool {
    match &def.ty {
        FieldType::Scalar(scalar) => *scalar == ScalarType::String,
        FieldType::Object(fields) => fields.values().any(borrows),
        FieldType::Array(item) => borrows(item),
    }
}

/// The one quirk a field is read with, when it declares several: personal data first,
/// then `[]` as none, then one-or-many. Both the serde attributes and the generated
/// decoders follow it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quirk {
    /// Scoped personal data: absent is `Withheld`.
    Pii,
    /// An object sent as `[]` (or `null`) when empty.
    EmptyArrayIsNull,
    /// A list sent as a single object when it has one element.
    OneOrMany,
    /// Any JSON, `null` when absent.
    Json,
    /// None of the above.
    Plain,
}

fn quirk(def: &FieldDef) -> Quirk {
    if def.pii.is_some() {
        Quirk::Pii
    } else if def.empty_array_is_null {
        Quirk::EmptyArrayIsNull
    } else if def.one_or_many {
        Quirk::OneOrMany
    } else if matches!(def.ty, FieldType::Scalar(ScalarType::Json)) {
        Quirk::Json
    } else {
        Quirk::Plain
    }
}

/// The serde attributes a field's quirks need.
fn quirk_attrs(ctx: &Context<'_>, family: Family, def: &FieldDef) -> Vec<TokenStream> {
    let raw_fn = |name: &str| format!("{}::raw::{name}", ctx.runtime_path);
    let mut attrs = Vec::new();
    match quirk(def) {
        Quirk::Pii => {
            let withheld = raw_fn("withheld");
            let known = raw_fn("known");
            attrs.push(quote!(default = #withheld, deserialize_with = #known));
            if family == Family::Owned {
                let is_withheld = format!("{}::Pii::is_withheld", ctx.runtime_path);
                attrs.push(quote!(skip_serializing_if = #is_withheld));
            }
        }
        Quirk::EmptyArrayIsNull => {
            let helper = raw_fn("empty_array_as_none");
            attrs.push(quote!(default, deserialize_with = #helper));
        }
        Quirk::OneOrMany => {
            let helper = raw_fn("one_or_many");
            attrs.push(quote!(default, deserialize_with = #helper));
        }
        Quirk::Json => attrs.push(quote!(default)),
        Quirk::Plain => {}
    }
    attrs
}

/// The Rust type of a field, emitting nested struct types as needed.
fn field_type(
    ctx: &Context<'_>,
    family: Family,
    nested_name: &str,
    key: &str,
    def: &FieldDef,
    out: &mut TokenStream,
) -> TokenStream {
    let rt = &ctx.runtime;
    let inner = match &def.ty {
        FieldType::Scalar(ScalarType::String) if family == Family::View => {
            quote!(#rt::raw::Text<'a>)
        }
        FieldType::Scalar(scalar) => scalar_type(ctx, *scalar),
        FieldType::Object(fields) => {
            let doc = def
                .doc
                .clone()
                .unwrap_or_else(|| format!("The `{key}` object of a raw record."));
            object_type(ctx, family, nested_name, &doc, fields, out);
            let ident = type_ident(nested_name);
            let lifetime =
                (family == Family::View && fields.values().any(borrows)).then(|| quote!(<'a>));
            quote!(#ident #lifetime)
        }
        FieldType::Array(item) => {
            let item_ty = field_type(ctx, family, &format!("{nested_name}_item"), key, item, out);
            quote!(::std::vec::Vec<#item_ty>)
        }
    };
    let is_json = matches!(def.ty, FieldType::Scalar(ScalarType::Json));
    let optional = (def.nullable || def.empty_array_is_null) && !is_json && !def.one_or_many;
    let ty = if optional {
        quote!(::core::option::Option<#inner>)
    } else {
        inner
    };
    if def.pii.is_some() {
        quote!(#rt::Pii<#ty>)
    } else {
        ty
    }
}

fn scalar_type(ctx: &Context<'_>, scalar: ScalarType) -> TokenStream {
    let rt = &ctx.runtime;
    match scalar {
        ScalarType::String => quote!(::std::string::String),
        ScalarType::Integer => quote!(i64),
        ScalarType::Number => quote!(f64),
        ScalarType::Boolean => quote!(bool),
        ScalarType::Json => quote!(#rt::__private::serde_json::Value),
    }
}
