//! How credentials are attached to requests.

use super::token::{TokenExchange, TokenPlacement};
use crate::secret::Secret;
use std::collections::BTreeMap;

/// The auth scheme a provider uses, from its spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthScheme {
    /// No credentials.
    None,
    /// `Authorization: Bearer <token>`; credential `token`.
    Bearer,
    /// A static key in a header (`Api-Key: <key>`); credential `api_key`.
    Header {
        /// The header's name.
        name: &'static str,
    },
    /// A static key in the query string; credential `api_key`.
    Query {
        /// The query parameter's name.
        name: &'static str,
    },
    /// HTTP basic auth; credentials `username` and `password`.
    Basic,
    /// A token obtained from a token endpoint with the configured credentials (OAuth2
    /// client credentials, or a provider's JSON exchange), cached and renewed.
    Token(&'static TokenExchange),
}

impl AuthScheme {
    /// The credentials this scheme needs, by name.
    pub fn credential_names(&self) -> &'static [&'static str] {
        match self {
            AuthScheme::None => &[],
            AuthScheme::Bearer => &["token"],
            AuthScheme::Header { .. } | AuthScheme::Query { .. } => &["api_key"],
            AuthScheme::Basic => &["username", "password"],
            AuthScheme::Token(exchange) => exchange.credentials,
        }
    }

    /// A short name for listings (`bearer`, `header Api-Key`).
    pub fn describe(&self) -> String {
        match self {
            AuthScheme::None => "none".into(),
            AuthScheme::Bearer => "bearer".into(),
            AuthScheme::Header { name } => format!("header {name}"),
            AuthScheme::Query { name } => format!("query {name}"),
            AuthScheme::Basic => "basic".into(),
            AuthScheme::Token(exchange) => match exchange.send {
                TokenPlacement::Bearer => "token (bearer)".into(),
                TokenPlacement::Header(name) => format!("token (header {name})"),
            },
        }
    }

    /// Adds the credentials to a request. A [`AuthScheme::Token`] is added by the executor,
    /// which holds the token.
    pub(crate) fn apply(
        &self,
        request: reqwest::RequestBuilder,
        credentials: &BTreeMap<String, Secret>,
    ) -> reqwest::RequestBuilder {
        let get = |name: &str| {
            credentials
                .get(name)
                .map(Secret::expose)
                .unwrap_or_default()
        };
        match self {
            AuthScheme::None => request,
            AuthScheme::Bearer => request.bearer_auth(get("token")),
            AuthScheme::Header { name } => request.header(*name, get("api_key")),
            AuthScheme::Query { name } => request.query(&[(*name, get("api_key"))]),
            AuthScheme::Basic => request.basic_auth(get("username"), Some(get("password"))),
            AuthScheme::Token(_) => request,
        }
    }
}
