//! The client: endpoint statics the runtime reads, the provider description, the
//! `Client`/`ClientBuilder` pair, and one typed request builder per endpoint.

use super::names::{field_ident, type_ident, variant_name};
use super::Context;
use crate::spec::{
    Auth, Endpoint, HttpMethod, Pagination, Param, ParamLocation, ParamType, RecordsShape,
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
            page_size,
        }) => {
            let last_page = match last_page {
                Some(path) => {
                    let keys = dotted(path);
                    quote!(::core::option::Option::Some(&[#(#keys),*]))
                }
                None => quote!(::core::option::Option::None),
            };
            let page_size = match page_size {
                Some(size) => {
                    let (param, default) = (&size.param, size.default);
                    quote!(::core::option::Option::Some(#rt::endpoint::PageSize { param: #param, default: #default }))
                }
                None => quote!(::core::option::Option::None),
            };
            quote!(#rt::endpoint::Pagination::PageNumber(#rt::endpoint::PageNumber {
                param: #param,
                start: #start,
                last_page: #last_page,
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
        let location = location(ctx, param.location);
        let kind = param_kind(ctx, param);
        let required = param.required;
        let doc = param.doc.clone().unwrap_or_default();
        quote!(#rt::http::ParamSpec { name: #wire, location: #location, kind: #kind, required: #required, doc: #doc })
    });
    let success = success_flag(ctx);
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
            success: #success,
            params: &[#(#params),*],
            normalize: normalize_record,
        };
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

fn location(ctx: &Context<'_>, location: ParamLocation) -> TokenStream {
    let rt = &ctx.runtime;
    match location {
        ParamLocation::Query => quote!(#rt::http::Location::Query),
        ParamLocation::Body => quote!(#rt::http::Location::Body),
        ParamLocation::Header => quote!(#rt::http::Location::Header),
        ParamLocation::Path => quote!(#rt::http::Location::Path),
    }
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

/// The setter argument type, and the statements that record `value` with its rule into
/// the `Params` at `params`.
fn setter_parts(
    ctx: &Context<'_>,
    endpoint: &str,
    key: &str,
    param: &Param,
    params: &TokenStream,
) -> (TokenStream, TokenStream) {
    let rt = &ctx.runtime;
    let wire = wire_name(key, param);
    let location = location(ctx, param.location);
    let set = |value: TokenStream, rule: TokenStream| quote!(#params.set(#location, #wire, #value, #rule););
    let ok = quote!(::core::result::Result::Ok(()));
    let bound_f64 = |bound: Option<f64>| match bound {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    };
    let bound_i64 = |bound: Option<f64>| match bound {
        Some(value) => {
            let value = value as i64;
            quote!(::core::option::Option::Some(#value))
        }
        None => quote!(::core::option::Option::None),
    };
    let bound_usize = |bound: Option<usize>| match bound {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    };
    match param.ty {
        ParamType::String => {
            let rule = if param.min_length.is_some() || param.max_length.is_some() {
                let (min, max) = (bound_usize(param.min_length), bound_usize(param.max_length));
                quote!(#rt::http::check::length(&value, #min, #max))
            } else {
                ok
            };
            (quote!(impl ::core::convert::Into<::std::string::String>), {
                let store = set(quote!(#rt::http::ParamValue::Text(value)), quote!(rule));
                quote! {
                    let value: ::std::string::String = value.into();
                    let rule = #rule;
                    #store
                }
            })
        }
        ParamType::Integer => {
            let rule = if param.min.is_some() || param.max.is_some() {
                let (min, max) = (bound_i64(param.min), bound_i64(param.max));
                quote!(#rt::http::check::range(value, #min, #max))
            } else {
                ok
            };
            (
                quote!(i64),
                set(quote!(#rt::http::ParamValue::Integer(value)), rule),
            )
        }
        ParamType::Number => {
            let rule = if param.min.is_some() || param.max.is_some() {
                let (min, max) = (bound_f64(param.min), bound_f64(param.max));
                quote!(#rt::http::check::range(value, #min, #max))
            } else {
                ok
            };
            (
                quote!(f64),
                set(quote!(#rt::http::ParamValue::Number(value)), rule),
            )
        }
        ParamType::Boolean => (
            quote!(bool),
            set(quote!(#rt::http::ParamValue::Bool(value)), ok),
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
                set(
                    quote!(#rt::http::ParamValue::Text(value.format(#format).to_string())),
                    ok,
                ),
            )
        }
        ParamType::Enum => {
            let ident = enum_ident(endpoint, key);
            (
                quote!(#ident),
                set(
                    quote!(#rt::http::ParamValue::Text(value.as_str().to_string())),
                    ok,
                ),
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
        }
    }
}

fn param_enum(endpoint: &str, key: &str, param: &Param) -> TokenStream {
    let ident = enum_ident(endpoint, key);
    let values = param.values.clone().unwrap_or_default();
    let variants: Vec<Ident> = values
        .iter()
        .map(|value| Ident::new(&variant_name(value), Span::call_site()))
        .collect();
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
        let doc = endpoint.doc.clone().unwrap_or_else(|| format!("Starts a `{name}` request."));
        quote! {
            #[doc = #doc]
            pub fn #method(&self, #(#args),*) -> #builder {
                #[allow(unused_mut)]
                let mut request = #builder { executor: self.executor.clone(), params: #rt::http::Params::new() };
                #(#setters)*
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
