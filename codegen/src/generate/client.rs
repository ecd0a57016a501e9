//! The client: endpoint statics the runtime reads, the provider description, the
//! `Client`/`ClientBuilder` pair, and one typed request builder per endpoint.

use super::names::{field_ident, type_ident, variant_name};
use super::Context;
use crate::spec::{
    Auth, CursorField, Endpoint, HttpMethod, Pagination, Param, ParamLocation, ParamType,
    RecordsShape,
};
use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

pub(crate) fn static_ident(endpoint: &str) -> Ident {
    Ident::new(&endpoint.to_shouty_snake_case(), Span::call_site())
}

fn wire_name<'a>(key: &'a str, param: &'a Param) -> &'a str {
    param.name.as_deref().unwrap_or(key)
}

fn dotted(path: &str) -> Vec<&str> {
    path.split('.')
        .filter(|segment| !segment.is_empty())
        .collect()
}

/// Everything but the raw types and the normalizer.
pub fn client(ctx: &Context<'_>, examples: &[(String, String)]) -> TokenStream {
    let mut out = TokenStream::new();
    out.extend(token_exchange(ctx));
    out.extend(provider_info(ctx, examples));
    for (name, endpoint) in &ctx.spec.endpoints {
        out.extend(endpoint_static(ctx, name, endpoint));
        out.extend(request_builder(ctx, name, endpoint));
    }
    out.extend(client_types(ctx));
    out
}

fn auth_scheme(ctx: &Context<'_>) -> TokenStream {
    let rt = &ctx.runtime;
    match &ctx.spec.auth {
        Auth::None => quote!(#rt::http::AuthScheme::None),
        Auth::Bearer { .. } => quote!(#rt::http::AuthScheme::Bearer),
        Auth::Header { name, .. } => quote!(#rt::http::AuthScheme::Header { name: #name }),
        Auth::Query { name, .. } => quote!(#rt::http::AuthScheme::Query { name: #name }),
        Auth::Basic { .. } => quote!(#rt::http::AuthScheme::Basic),
        Auth::Oauth2ClientCredentials { .. } | Auth::TokenExchange { .. } => {
            quote!(#rt::http::AuthScheme::Token(&TOKEN_EXCHANGE))
        }
    }
}

/// The token endpoint static of a token scheme (nothing for the others).
fn token_exchange(ctx: &Context<'_>) -> TokenStream {
    let rt = &ctx.runtime;
    let token = quote!(#rt::http::token);
    let credential = |name: &str| quote!(#token::TokenField { name: #name, value: #token::TokenValue::Credential(#name) });
    let constant = |name: &str, value: &str| quote!(#token::TokenField { name: #name, value: #token::TokenValue::Const(#value) });
    let (path, encoding, fields, credentials, token_path, expires_in, send) = match &ctx.spec.auth {
        Auth::Oauth2ClientCredentials {
            token_path, scope, ..
        } => {
            let mut fields = vec![
                constant("grant_type", "client_credentials"),
                credential("client_id"),
                credential("client_secret"),
            ];
            if let Some(scope) = scope {
                fields.push(constant("scope", scope));
            }
            (
                token_path.as_str(),
                quote!(Form),
                fields,
                vec!["client_id".to_string(), "client_secret".to_string()],
                "access_token",
                Some("expires_in"),
                quote!(#token::TokenPlacement::Bearer),
            )
        }
        Auth::TokenExchange {
            path,
            encoding,
            credentials,
            fields,
            token: token_at,
            expires_in,
            header,
            ..
        } => {
            let mut all: Vec<TokenStream> =
                credentials.iter().map(|name| credential(name)).collect();
            all.extend(fields.iter().map(|(name, value)| constant(name, value)));
            let encoding = match encoding {
                crate::spec::TokenEncoding::Json => quote!(Json),
                crate::spec::TokenEncoding::Form => quote!(Form),
            };
            let send = match header {
                Some(name) => quote!(#token::TokenPlacement::Header(#name)),
                None => quote!(#token::TokenPlacement::Bearer),
            };
            (
                path.as_str(),
                encoding,
                all,
                credentials.clone(),
                token_at.as_str(),
                expires_in.as_deref(),
                send,
            )
        }
        _ => return TokenStream::new(),
    };
    let token_keys = dotted(token_path);
    let expires_in = option_path(expires_in);
    quote! {
        /// The token endpoint requests authenticate with.
        pub static TOKEN_EXCHANGE: #token::TokenExchange = #token::TokenExchange {
            path: #path,
            encoding: #token::TokenEncoding::#encoding,
            fields: &[#(#fields),*],
            credentials: &[#(#credentials),*],
            token: &[#(#token_keys),*],
            expires_in: #expires_in,
            send: #send,
        };
    }
}

/// The names of the credentials a token scheme sends.
fn token_credentials(auth: &Auth) -> Vec<String> {
    match auth {
        Auth::Oauth2ClientCredentials { .. } => vec!["client_id".into(), "client_secret".into()],
        Auth::TokenExchange { credentials, .. } => credentials.clone(),
        _ => Vec::new(),
    }
}

fn provider_info(ctx: &Context<'_>, examples: &[(String, String)]) -> TokenStream {
    let rt = &ctx.runtime;
    let spec = ctx.spec;
    let (name, title, base_url) = (&spec.provider, &spec.title, &spec.base_url);
    let variables = spec.variables.iter().map(|(name, variable)| {
        let default = match &variable.default {
            Some(value) => quote!(::core::option::Option::Some(#value)),
            None => quote!(::core::option::Option::None),
        };
        let doc = variable.doc.clone().unwrap_or_default();
        quote!(#rt::provider::Variable { name: #name, default: #default, doc: #doc })
    });
    let endpoints = spec.endpoints.keys().map(|name| static_ident(name));
    let sync = static_ident(ctx.sync_endpoint());
    let examples = examples.iter().map(
        |(endpoint, body)| quote!(#rt::provider::Example { endpoint: #endpoint, body: #body }),
    );
    let auth = auth_scheme(ctx);
    let rate_limit = match &spec.rate_limit {
        Some(limit) => {
            let (requests, seconds) = (limit.requests, limit.per.seconds());
            quote!(::core::option::Option::Some(#rt::http::RateLimit {
                requests: #requests,
                per: ::core::time::Duration::from_secs(#seconds),
            }))
        }
        None => quote!(::core::option::Option::None),
    };
    let scopes = spec.auth.scopes();
    let pii = spec.record.iter().filter_map(|(key, def)| {
        let scope = def.pii.as_deref()?;
        Some(quote!(#rt::provider::PiiKey { key: #key, scope: #scope }))
    });
    quote! {
        /// This provider as data: what the runtime, the sandbox and the `custkit` tool read.
        pub static PROVIDER: #rt::ProviderInfo = #rt::ProviderInfo {
            name: #name,
            title: #title,
            base_url: #base_url,
            variables: &[#(#variables),*],
            auth: #auth,
            rate_limit: #rate_limit,
            endpoints: &[#(&#endpoints),*],
            sync_endpoint: &#sync,
            examples: &[#(#examples),*],
            scopes: &[#(#scopes),*],
            pii: &[#(#pii),*],
        };
    }
}

fn endpoint_static(ctx: &Context<'_>, name: &str, endpoint: &Endpoint) -> TokenStream {
    let rt = &ctx.runtime;
    let ident = static_ident(name);
    let provider = &ctx.spec.provider;
    let path = &endpoint.path;
    let method = match endpoint.method {
        HttpMethod::Get => quote!(#rt::endpoint::Method::Get),
        HttpMethod::Post => quote!(#rt::endpoint::Method::Post),
    };
    let records_path = dotted(&endpoint.records.path);
    let shape = match endpoint.records.shape {
        RecordsShape::Array => quote!(Array),
        RecordsShape::Object => quote!(Object),
        RecordsShape::ArrayOrObject => quote!(ArrayOrObject),
    };
    let pagination = match &endpoint.pagination {
        None => quote!(#rt::endpoint::Pagination::None),
        Some(Pagination::PageNumber {
            param,
            start,
            last_page,
            total,
            page_size,
        }) => {
            let last_page = option_path(last_page.as_deref());
            let total = option_path(total.as_deref());
            let page_size = page_size_tokens(ctx, page_size.as_ref());
            quote!(#rt::endpoint::Pagination::PageNumber(#rt::endpoint::PageNumber {
                param: #param,
                start: #start,
                last_page: #last_page,
                total: #total,
                page_size: #page_size,
            }))
        }
        Some(Pagination::Cursor {
            param,
            next,
            has_more,
            page_size,
        }) => {
            let next = dotted(next);
            let has_more = option_path(has_more.as_deref());
            let page_size = page_size_tokens(ctx, page_size.as_ref());
            quote!(#rt::endpoint::Pagination::Cursor(#rt::endpoint::Cursor {
                param: #param,
                next: &[#(#next),*],
                has_more: #has_more,
                page_size: #page_size,
            }))
        }
        Some(Pagination::NextUrl { next, page_size }) => {
            let next = dotted(next);
            let page_size = page_size_tokens(ctx, page_size.as_ref());
            quote!(#rt::endpoint::Pagination::NextUrl(#rt::endpoint::NextUrl {
                next: &[#(#next),*],
                page_size: #page_size,
            }))
        }
    };
    let max_pages = match endpoint.max_pages {
        Some(pages) => quote!(::core::option::Option::Some(#pages)),
        None => quote!(::core::option::Option::None),
    };
    let params = endpoint.params.iter().map(|(key, param)| {
        let wire = wire_name(key, param);
        let location = location(ctx, param);
        let kind = param_kind(ctx, param);
        let required = param.required;
        let doc = param.doc.clone().unwrap_or_default();
        let rules = param_rules(ctx, param);
        let list = param.list;
        let example = match param.example.as_ref().map(example_text) {
            Some(text) => quote!(::core::option::Option::Some(#text)),
            None => quote!(::core::option::Option::None),
        };
        quote!(#rt::http::ParamSpec {
            name: #wire,
            key: #key,
            location: #location,
            kind: #kind,
            required: #required,
            doc: #doc,
            rules: #rules,
            list: #list,
            example: #example,
        })
    });
    let success = success_flag(ctx);
    let incremental = incremental_tokens(ctx, endpoint);
    let one_of = endpoint.one_of.values().map(|members| {
        let wires = members
            .iter()
            .map(|member| match endpoint.params.get(member) {
                Some(param) => wire_name(member, param),
                None => member.as_str(),
            });
        quote!(&[#(#wires),*])
    });
    let doc = format!("How the runtime calls `{name}`.");
    quote! {
        #[doc = #doc]
        pub static #ident: #rt::EndpointSpec = #rt::EndpointSpec {
            provider: #provider,
            name: #name,
            method: #method,
            path: #path,
            records: #rt::endpoint::RecordsAt {
                path: &[#(#records_path),*],
                shape: #rt::endpoint::RecordsShape::#shape,
            },
            pagination: #pagination,
            max_pages: #max_pages,
            incremental: #incremental,
            success: #success,
            one_of: &[#(#one_of),*],
            params: &[#(#params),*],
            normalize: normalize_record,
        };
    }
}

/// `Some(Incremental { .. })` or `None`; parameters by the names the provider uses.
fn incremental_tokens(ctx: &Context<'_>, endpoint: &Endpoint) -> TokenStream {
    let rt = &ctx.runtime;
    let Some(incremental) = &endpoint.incremental else {
        return quote!(::core::option::Option::None);
    };
    let wire = |key: &str| -> String {
        endpoint
            .params
            .get(key)
            .map_or(key, |param| wire_name(key, param))
            .to_string()
    };
    let cursor = match incremental.cursor {
        CursorField::UpdatedAt => quote!(UpdatedAt),
        CursorField::CreatedAt => quote!(CreatedAt),
    };
    let since = match &incremental.since {
        Some(key) => {
            let name = wire(key);
            quote!(::core::option::Option::Some(#name))
        }
        None => quote!(::core::option::Option::None),
    };
    let newest_first = incremental.newest_first.iter().map(|(key, value)| {
        let name = wire(key);
        quote!((#name, #value))
    });
    let timezone = ctx.spec.defaults.timezone.as_deref().unwrap_or("UTC");
    quote!(::core::option::Option::Some(#rt::endpoint::Incremental {
        cursor: #rt::endpoint::CursorField::#cursor,
        since: #since,
        newest_first: &[#(#newest_first),*],
        timezone: #timezone,
    }))
}

/// `Some(PageSize { .. })` or `None`.
fn page_size_tokens(ctx: &Context<'_>, size: Option<&crate::spec::PageSize>) -> TokenStream {
    let rt = &ctx.runtime;
    match size {
        Some(size) => {
            let (param, default) = (&size.param, size.default);
            quote!(::core::option::Option::Some(#rt::endpoint::PageSize { param: #param, default: #default }))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// `Some(&["a", "b"])` for a dotted path, or `None`.
fn option_path(path: Option<&str>) -> TokenStream {
    match path {
        Some(path) => {
            let keys = dotted(path);
            quote!(::core::option::Option::Some(&[#(#keys),*]))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// The spec's success flag, as an `Option<SuccessFlag>` expression.
fn success_flag(ctx: &Context<'_>) -> TokenStream {
    let rt = &ctx.runtime;
    let Some(flag) = &ctx.spec.success else {
        return quote!(::core::option::Option::None);
    };
    let path = dotted(&flag.path);
    let equals = match &flag.equals {
        serde_json::Value::Bool(value) => quote!(Bool(#value)),
        serde_json::Value::Number(number) => {
            let value = number.as_i64().unwrap_or_default();
            quote!(Integer(#value))
        }
        other => {
            let text = other.as_str().unwrap_or_default();
            quote!(Text(#text))
        }
    };
    let message = match &flag.message {
        Some(path) => {
            let keys = dotted(path);
            quote!(::core::option::Option::Some(&[#(#keys),*]))
        }
        None => quote!(::core::option::Option::None),
    };
    quote!(::core::option::Option::Some(#rt::http::envelope::SuccessFlag {
        path: &[#(#path),*],
        equals: #rt::http::envelope::Expected::#equals,
        message: #message,
    }))
}

fn location(ctx: &Context<'_>, param: &Param) -> TokenStream {
    let rt = &ctx.runtime;
    if let Some(array) = &param.indexed_pair {
        return quote!(#rt::http::Location::IndexedPair(#array));
    }
    match param.location {
        ParamLocation::Query => quote!(#rt::http::Location::Query),
        ParamLocation::Body => quote!(#rt::http::Location::Body),
        ParamLocation::Header => quote!(#rt::http::Location::Header),
        ParamLocation::Path => quote!(#rt::http::Location::Path),
    }
}

/// A parameter's bounds as a `ParamRules` expression.
fn param_rules(ctx: &Context<'_>, param: &Param) -> TokenStream {
    let rt = &ctx.runtime;
    let some = |bound: Option<TokenStream>| match bound {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    };
    let min = some(param.min.map(|value| quote!(#value)));
    let max = some(param.max.map(|value| quote!(#value)));
    let min_length = some(param.min_length.map(|value| quote!(#value)));
    let max_length = some(param.max_length.map(|value| quote!(#value)));
    quote!(#rt::http::ParamRules {
        min: #min,
        max: #max,
        min_length: #min_length,
        max_length: #max_length,
    })
}

/// A spec example as the text a request would carry (`5`, not `5.0`; text unquoted).
fn example_text(example: &serde_json::Value) -> String {
    match example {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The expression that checks `value` (a `ParamValue`) against the parameter's rules.
/// The rules live once, in the endpoint static's `ParamSpec`, which the command line's
/// text parameters are checked against too.
fn param_check(ctx: &Context<'_>, endpoint: &str, key: &str) -> TokenStream {
    let ident = static_ident(endpoint);
    let index = ctx
        .spec
        .endpoints
        .get(endpoint)
        .and_then(|endpoint| endpoint.params.get_index_of(key))
        .unwrap_or_default();
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    quote!(#ident.params[#index].check(&value))
}

fn param_kind(ctx: &Context<'_>, param: &Param) -> TokenStream {
    let rt = &ctx.runtime;
    let format = param.format.clone().unwrap_or_default();
    match param.ty {
        ParamType::String => quote!(#rt::http::ParamKind::String),
        ParamType::Integer => quote!(#rt::http::ParamKind::Integer),
        ParamType::Number => quote!(#rt::http::ParamKind::Number),
        ParamType::Boolean => quote!(#rt::http::ParamKind::Boolean),
        ParamType::Date => quote!(#rt::http::ParamKind::Date(#format)),
        ParamType::Datetime => quote!(#rt::http::ParamKind::DateTime(#format)),
        ParamType::Enum => {
            let values = param.values.clone().unwrap_or_default();
            quote!(#rt::http::ParamKind::Enum(&[#(#values),*]))
        }
    }
}

pub(crate) fn builder_ident(endpoint: &str) -> Ident {
    type_ident(endpoint)
}

pub(crate) fn enum_ident(endpoint: &str, key: &str) -> Ident {
    type_ident(&format!("{endpoint}_{key}"))
}

/// The setter argument type, and the statements that record `value`, checked by its
/// rules, into the `Params` at `params`. A `list` parameter takes any iterable of its
/// item type.
fn setter_parts(
    ctx: &Context<'_>,
    endpoint: &str,
    key: &str,
    param: &Param,
    params: &TokenStream,
) -> (TokenStream, TokenStream) {
    let rt = &ctx.runtime;
    let wire = wire_name(key, param);
    let location = location(ctx, param);
    let check = param_check(ctx, endpoint, key);
    let (ty, prelude, value) = item_parts(ctx, endpoint, key, param);
    if !param.list {
        return (
            ty,
            quote! {
                #prelude
                let value = #value;
                let rule = #check;
                #params.set(#location, #wire, value, rule);
            },
        );
    }
    (
        quote!(impl ::core::iter::IntoIterator<Item = #ty>),
        quote! {
            let value = #rt::http::ParamValue::List(
                value.into_iter().map(|value| { #prelude #value }).collect(),
            );
            let rule = #check;
            #params.set(#location, #wire, value, rule);
        },
    )
}

/// One value's argument type, the statements preparing it and its `ParamValue`
/// expression, all reading `value`.
fn item_parts(
    ctx: &Context<'_>,
    endpoint: &str,
    key: &str,
    param: &Param,
) -> (TokenStream, TokenStream, TokenStream) {
    let rt = &ctx.runtime;
    let none = TokenStream::new();
    match param.ty {
        ParamType::String => (
            quote!(impl ::core::convert::Into<::std::string::String>),
            quote!(let value: ::std::string::String = value.into();),
            quote!(#rt::http::ParamValue::Text(value)),
        ),
        ParamType::Integer => (
            quote!(i64),
            none,
            quote!(#rt::http::ParamValue::Integer(value)),
        ),
        ParamType::Number => (
            quote!(f64),
            none,
            quote!(#rt::http::ParamValue::Number(value)),
        ),
        ParamType::Boolean => (
            quote!(bool),
            none,
            quote!(#rt::http::ParamValue::Bool(value)),
        ),
        ParamType::Date | ParamType::Datetime => {
            let format = param.format.clone().unwrap_or_default();
            let ty = if param.ty == ParamType::Date {
                quote!(#rt::__private::chrono::NaiveDate)
            } else {
                quote!(#rt::__private::chrono::NaiveDateTime)
            };
            (
                ty,
                none,
                quote!(#rt::http::ParamValue::Text(value.format(#format).to_string())),
            )
        }
        ParamType::Enum => {
            let ident = enum_ident(endpoint, key);
            (
                quote!(#ident),
                none,
                quote!(#rt::http::ParamValue::Text(value.as_str().to_string())),
            )
        }
    }
}

fn param_doc(key: &str, param: &Param) -> String {
    let mut doc = param
        .doc
        .clone()
        .unwrap_or_else(|| format!("Sets `{}`.", wire_name(key, param)));
    let mut rules = Vec::new();
    match (param.min, param.max) {
        (Some(min), Some(max)) => rules.push(format!("between {min} and {max}")),
        (Some(min), None) => rules.push(format!("at least {min}")),
        (None, Some(max)) => rules.push(format!("at most {max}")),
        _ => {}
    }
    match (param.min_length, param.max_length) {
        (Some(min), Some(max)) => rules.push(format!("{min} to {max} characters")),
        (Some(min), None) => rules.push(format!("at least {min} characters")),
        (None, Some(max)) => rules.push(format!("at most {max} characters")),
        _ => {}
    }
    if let Some(format) = &param.format {
        rules.push(format!("sent as `{format}`"));
    }
    if !rules.is_empty() {
        doc.push_str(&format!(
            "\n\nRule: {}. A value that breaks it fails the call before any request is sent.",
            rules.join(", ")
        ));
    }
    if let Some(example) = &param.example {
        doc.push_str(&format!("\n\nExample: `{example}`."));
    }
    doc
}

fn request_builder(ctx: &Context<'_>, name: &str, endpoint: &Endpoint) -> TokenStream {
    let rt = &ctx.runtime;
    let ident = builder_ident(name);
    let endpoint_static = static_ident(name);
    let mut enums = TokenStream::new();
    for (group, members) in &endpoint.one_of {
        enums.extend(one_of_enum(ctx, name, endpoint, group, members));
    }
    let mut setters = Vec::new();
    for (key, param) in &endpoint.params {
        if param.ty == ParamType::Enum {
            enums.extend(param_enum(name, key, param));
        }
        if param.required {
            continue;
        }
        let method = field_ident(key);
        let (ty, body) = setter_parts(ctx, name, key, param, &quote!(self.params));
        let doc = param_doc(key, param);
        setters.push(quote! {
            #[doc = #doc]
            pub fn #method(mut self, value: #ty) -> Self {
                #body
                self
            }
        });
    }
    let doc =
        format!(
        "A `{name}` request{}. Set optional parameters, then call [`stream`]({ident}::stream) for \
         normalized customers or [`raw_stream`]({ident}::raw_stream) for raw records.",
        endpoint.doc.as_ref().map(|doc| format!(": {}", doc.trim())).unwrap_or_default()
    );
    let stream_doc = format!(
        "Every record across all pages, normalized into [`Customer`]({}::Customer). Parameters \
         are checked first; a record that fails to decode or normalize is reported and skipped \
         (unless the client is strict).",
        ctx.runtime_path
    );
    let changed_since = endpoint.incremental.as_ref().map(|incremental| {
        let doc = format!(
            "Like [`stream`]({ident}::stream), only the customers whose `{cursor}` is at or \
             after `since` (the newest `{cursor}` a previous sync delivered): an incremental \
             sync. Customers without a `{cursor}` are always delivered.",
            cursor = incremental.cursor.name()
        );
        quote! {
            #[doc = #doc]
            pub fn changed_since(
                self,
                since: #rt::__private::chrono::DateTime<#rt::__private::chrono::Utc>,
            ) -> #rt::RecordStream<#rt::Customer> {
                #rt::incremental::customers_changed_since(
                    self.executor,
                    &#endpoint_static,
                    self.params,
                    since,
                )
            }
        }
    });
    quote! {
        #enums

        #[doc = #doc]
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is streamed"]
        pub struct #ident {
            executor: ::std::sync::Arc<#rt::Executor>,
            params: #rt::http::Params,
        }

        impl #ident {
            #(#setters)*

            #[doc = #stream_doc]
            pub fn stream(self) -> #rt::RecordStream<#rt::Customer> {
                #rt::paging::customers(self.executor, &#endpoint_static, self.params)
            }

            /// Every record across all pages, as the provider sent it, typed.
            pub fn raw_stream(self) -> #rt::RecordStream<Customer> {
                #rt::paging::decoded(self.executor, &#endpoint_static, self.params)
            }

            #changed_since
        }
    }
}

/// A one-of group's type: an enum with one variant per member, so a call must choose at
/// least one (the request builder's setters add more).
fn one_of_enum(
    ctx: &Context<'_>,
    endpoint_name: &str,
    endpoint: &Endpoint,
    group: &str,
    members: &[String],
) -> TokenStream {
    let rt = &ctx.runtime;
    let ident = type_ident(group);
    let mut variants = Vec::new();
    let mut constructors = Vec::new();
    let mut arms = Vec::new();
    let mut names = Vec::new();
    for member in members {
        let Some(param) = endpoint.params.get(member) else {
            continue;
        };
        let variant = type_ident(member);
        let method = field_ident(member);
        let (arg_ty, _, value) = item_parts(ctx, endpoint_name, member, param);
        let check = param_check(ctx, endpoint_name, member);
        let payload = if param.ty == ParamType::String {
            quote!(::std::string::String)
        } else {
            arg_ty.clone()
        };
        let wire = wire_name(member, param);
        let location = location(ctx, param);
        // The payload is already converted (a `String`, not `impl Into<String>`).
        let body = quote! {
            let value = #value;
            let rule = #check;
            params.set(#location, #wire, value, rule);
        };
        let doc = param_doc(member, param);
        let convert = if param.ty == ParamType::String {
            quote!(value.into())
        } else {
            quote!(value)
        };
        variants.push(quote!(#[doc = #doc] #variant(#payload)));
        let constructor_doc = format!("Gives `{wire}`.");
        constructors.push(quote! {
            #[doc = #constructor_doc]
            pub fn #method(value: #arg_ty) -> #ident {
                #ident::#variant(#convert)
            }
        });
        arms.push(quote!(#ident::#variant(value) => { #body }));
        names.push(quote!(#ident::#variant(_) => #wire));
    }
    let listed = members
        .iter()
        .map(|member| format!("`{member}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let doc = format!(
        "At least one of {listed}: `{endpoint_name}` needs one, so a call without any does \
         not compile. Give more with the request's setters."
    );
    let type_name = ident.to_string();
    quote! {
        #[doc = #doc]
        #[derive(Clone, PartialEq)]
        pub enum #ident {
            #(#variants,)*
        }

        impl #ident {
            #(#constructors)*

            fn apply(self, params: &mut #rt::http::Params) {
                match self {
                    #(#arms)*
                }
            }
        }

        /// Names the parameter given, never its value (personal data).
        impl ::core::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let given = match self {
                    #(#names,)*
                };
                f.debug_tuple(#type_name).field(&given).finish()
            }
        }
    }
}

fn param_enum(endpoint: &str, key: &str, param: &Param) -> TokenStream {
    let ident = enum_ident(endpoint, key);
    let values = param.values.clone().unwrap_or_default();
    let variants: Vec<Ident> = match &param.variants {
        Some(names) => names
            .iter()
            .map(|name| Ident::new(&variant_name(name), Span::call_site()))
            .collect(),
        None => values
            .iter()
            .map(|value| Ident::new(&variant_name(value), Span::call_site()))
            .collect(),
    };
    let docs = values.iter().map(|value| format!("`{value}`"));
    let doc = format!("The values `{key}` accepts.");
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum #ident {
            #(#[doc = #docs] #variants,)*
        }

        impl #ident {
            /// The value as the provider spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    #(Self::#variants => #values,)*
                }
            }
        }
    }
}

fn client_types(ctx: &Context<'_>) -> TokenStream {
    let rt = &ctx.runtime;
    let spec = ctx.spec;
    let title = &spec.title;
    let mut builder_methods = Vec::new();
    for (name, variable) in &spec.variables {
        let method = field_ident(name);
        let doc = format!(
            "Sets the `{{{name}}}` part of the base URL `{}`{}.",
            spec.base_url,
            variable
                .doc
                .as_ref()
                .map(|doc| format!(": {doc}"))
                .unwrap_or_default()
        );
        builder_methods.push(quote! {
            #[doc = #doc]
            pub fn #method(mut self, value: impl ::core::convert::Into<::std::string::String>) -> Self {
                self.config = self.config.variable(#name, value);
                self
            }
        });
    }
    builder_methods.push(match &spec.auth {
        Auth::None => TokenStream::new(),
        Auth::Bearer { .. } => quote! {
            /// Sets the bearer token sent as `Authorization: Bearer <token>`.
            pub fn bearer_token(mut self, token: impl ::core::convert::Into<#rt::Secret>) -> Self {
                self.config = self.config.credential("token", token);
                self
            }
        },
        Auth::Header { name, .. } | Auth::Query { name, .. } => {
            let doc = format!("Sets the API key, sent as `{name}` exactly as given.");
            quote! {
                #[doc = #doc]
                pub fn api_key(mut self, key: impl ::core::convert::Into<#rt::Secret>) -> Self {
                    self.config = self.config.credential("api_key", key);
                    self
                }
            }
        }
        Auth::Oauth2ClientCredentials { .. } | Auth::TokenExchange { .. } => {
            let setters = token_credentials(&spec.auth).into_iter().map(|name| {
                let method = field_ident(&name);
                let doc = format!("Sets `{name}`, sent to the token endpoint to obtain tokens.");
                quote! {
                    #[doc = #doc]
                    pub fn #method(mut self, value: impl ::core::convert::Into<#rt::Secret>) -> Self {
                        self.config = self.config.credential(#name, value);
                        self
                    }
                }
            });
            quote!(#(#setters)*)
        }
        Auth::Basic { .. } => quote! {
            /// Sets the HTTP basic auth user name and password.
            pub fn basic_auth(
                mut self,
                username: impl ::core::convert::Into<#rt::Secret>,
                password: impl ::core::convert::Into<#rt::Secret>,
            ) -> Self {
                self.config = self.config.credential("username", username).credential("password", password);
                self
            }
        },
    });
    let endpoint_methods = spec.endpoints.iter().map(|(name, endpoint)| {
        let method = field_ident(name);
        let builder = builder_ident(name);
        let required: Vec<(&String, &Param)> = endpoint.params.iter().filter(|(_, param)| param.required).collect();
        let args = required.iter().map(|(key, param)| {
            let arg = field_ident(key);
            let (ty, _) = setter_parts(ctx, name, key, param, &quote!(request.params));
            quote!(#arg: #ty)
        });
        let setters = required.iter().map(|(key, param)| {
            let arg = field_ident(key);
            let (_, body) = setter_parts(ctx, name, key, param, &quote!(request.params));
            quote!({ let value = #arg; #body })
        });
        let group_args = endpoint.one_of.keys().map(|group| {
            let (arg, ty) = (field_ident(group), type_ident(group));
            quote!(#arg: #ty)
        });
        let group_applies = endpoint.one_of.keys().map(|group| {
            let arg = field_ident(group);
            quote!(#arg.apply(&mut request.params);)
        });
        let doc = endpoint.doc.clone().unwrap_or_else(|| format!("Starts a `{name}` request."));
        quote! {
            #[doc = #doc]
            pub fn #method(&self, #(#args,)* #(#group_args),*) -> #builder {
                #[allow(unused_mut)]
                let mut request = #builder { executor: self.executor.clone(), params: #rt::http::Params::new() };
                #(#setters)*
                #(#group_applies)*
                request
            }
        }
    });
    let client_doc = format!(
        "A {title} client. Cheap to clone: clones share one connection pool.\n\n\
         Build one with [`Client::builder`]."
    );
    let builder_doc = format!("Configures a {title} [`Client`].");
    quote! {
        #[doc = #client_doc]
        #[derive(Clone, Debug)]
        pub struct Client {
            executor: ::std::sync::Arc<#rt::Executor>,
        }

        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder { config: #rt::ClientConfig::new() }
            }

            /// A client from a complete configuration (credentials by name).
            pub fn from_config(config: #rt::ClientConfig) -> ::core::result::Result<Client, #rt::Error> {
                ::core::result::Result::Ok(Client { executor: ::std::sync::Arc::new(#rt::Executor::new(&PROVIDER, config)?) })
            }

            #(#endpoint_methods)*
        }

        #[doc = #builder_doc]
        #[derive(Clone, Debug)]
        #[must_use = "a builder does nothing until `build` is called"]
        pub struct ClientBuilder {
            config: #rt::ClientConfig,
        }

        impl ClientBuilder {
            /// Replaces the spec's base URL (a mock server, a proxy). HTTPS is required
            /// except for loopback addresses.
            pub fn base_url(mut self, url: impl ::core::convert::Into<::std::string::String>) -> Self {
                self.config = self.config.base_url(url);
                self
            }

            #(#builder_methods)*

            /// Adjusts the shared options: concurrency, timeouts, strictness, the record
            /// error handler.
            pub fn configure(mut self, adjust: impl ::core::ops::FnOnce(#rt::ClientConfig) -> #rt::ClientConfig) -> Self {
                self.config = adjust(self.config);
                self
            }

            /// Checks the configuration and builds the client.
            pub fn build(self) -> ::core::result::Result<Client, #rt::Error> {
                Client::from_config(self.config)
            }
        }
    }
}
