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

#[cfg(test)]
mod tests {
    use super::*;

    fn headers<'a>(pairs: &'a [(&'a str, String)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.clone())
        }
    }

    #[test]
    fn each_scheme_accepts_only_the_sandbox_credentials_where_the_spec_puts_them() {
        let bearer = [("authorization", format!("Bearer {}", credential("token")))];
        assert!(authorized(AuthScheme::Bearer, headers(&bearer), &[]));
        assert!(!authorized(AuthScheme::Bearer, headers(&[]), &[]));

        let key = [("Api-Key", credential("api_key"))];
        let header = AuthScheme::Header { name: "Api-Key" };
        assert!(authorized(header, headers(&key), &[]));
        assert!(!authorized(header, headers(&bearer), &[]));

        let query = AuthScheme::Query { name: "key" };
        let pairs = [("key".to_string(), credential("api_key"))];
        assert!(authorized(query, headers(&[]), &pairs));
        assert!(!authorized(query, headers(&key), &[]));

        let basic = [(
            "authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD
                    .encode("sandbox-username:sandbox-password")
            ),
        )];
        assert!(authorized(AuthScheme::Basic, headers(&basic), &[]));
        assert!(!authorized(AuthScheme::Basic, headers(&bearer), &[]));
        assert!(authorized(AuthScheme::None, headers(&[]), &[]));
    }
}
