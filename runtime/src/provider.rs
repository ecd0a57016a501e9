//! What a generated provider module tells the runtime (and the command-line tool) about
//! itself, as static data.

use crate::endpoint::EndpointSpec;
use crate::http::{AuthScheme, RateLimit};

/// A provider, as its spec describes it.
#[derive(Debug)]
pub struct ProviderInfo {
    /// The provider's name (`acme`): the spec's file stem and module name.
    pub name: &'static str,
    /// Its display name (`Acme`).
    pub title: &'static str,
    /// The base URL template; `{name}` parts are [`variables`](ProviderInfo::variables).
    pub base_url: &'static str,
    /// The base URL's variables.
    pub variables: &'static [Variable],
    /// How requests authenticate.
    pub auth: AuthScheme,
    /// The provider's documented rate limit, which every client paces itself to (one
    /// limit per client: build one client per tenant or brand that the limit counts).
    pub rate_limit: Option<RateLimit>,
    /// Every endpoint.
    pub endpoints: &'static [&'static EndpointSpec],
    /// The endpoint that lists every customer: what a sync runs.
    pub sync_endpoint: &'static EndpointSpec,
    /// The provider's documented example responses, per endpoint name, verbatim.
    pub examples: &'static [Example],
    /// The scopes a credential can be granted (the spec's `auth.scopes`).
    pub scopes: &'static [&'static str],
    /// The record keys the provider leaves out for a credential without their scope
    /// (fields the spec marks `pii`).
    pub pii: &'static [PiiKey],
}

/// A record key that is personal data: absent from records unless the credential holds
/// `scope`.
#[derive(Debug)]
pub struct PiiKey {
    /// The record's top-level key (`email`).
    pub key: &'static str,
    /// The scope it needs (`read:customers:pii`).
    pub scope: &'static str,
}

impl ProviderInfo {
    /// The endpoint called `name`.
    pub fn endpoint(&self, name: &str) -> Option<&'static EndpointSpec> {
        self.endpoints
            .iter()
            .copied()
            .find(|endpoint| endpoint.name == name)
    }
}

/// A variable of a base URL template.
#[derive(Debug)]
pub struct Variable {
    /// Its name (`tenant`).
    pub name: &'static str,
    /// The value used when none is configured.
    pub default: Option<&'static str>,
    /// The spec's description.
    pub doc: &'static str,
}

/// A documented example response of an endpoint.
#[derive(Debug)]
pub struct Example {
    /// The endpoint it belongs to.
    pub endpoint: &'static str,
    /// The response body, verbatim.
    pub body: &'static str,
}
