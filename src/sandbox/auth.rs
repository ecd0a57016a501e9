//! The sandbox's side of each auth scheme: it accepts exactly the credentials it hands
//! to the client (`sandbox-<name>`), so a client that sends them wrongly fails as it
//! would against the real provider.

use base64::Engine;
use custkit::runtime::http::AuthScheme;

/// The sandbox's value for credential `name`.
pub fn credential(name: &str) -> String {
    format!("sandbox-{name}")
}

/// Whether a request carries the sandbox's credentials the way `auth` says.
pub fn authorized(
    auth: AuthScheme,
    header: impl Fn(&str) -> Option<String>,
    query: &[(String, String)],
) -> bool {
    let query_value = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    match auth {
        AuthScheme::None => true,
        AuthScheme::Bearer => {
            header("authorization") == Some(format!("Bearer {}", credential("token")))
        }
        AuthScheme::Header { name } => header(name) == Some(credential("api_key")),
        AuthScheme::Query { name } => query_value(name) == Some(credential("api_key")),
        AuthScheme::Basic => {
            let pair = format!("{}:{}", credential("username"), credential("password"));
            let expected = base64::engine::general_purpose::STANDARD.encode(pair);
            header("authorization") == Some(format!("Basic {expected}"))
        }
    }
}
