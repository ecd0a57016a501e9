//! The sandbox's side of each auth scheme: it accepts exactly the credentials it hands
//! to the client (`sandbox-<name>`), so a client that sends them wrongly fails as it
//! would against the real provider.
//!
//! The sandbox's credential holds the spec's `auth.scopes`, less the scopes of the
//! record keys marked `pii` when it plays a credential without them
//! ([`SandboxOptions::withhold_pii`](super::SandboxOptions::withhold_pii)). For the token
//! schemes it serves the spec's token endpoint: it checks every body field the spec says
//! the client sends, issues a token holding the scopes granted (those asked for in a
//! `scope` field, if any, and held), and accepts on data requests only tokens it issued.

use base64::Engine;
use custkit::runtime::http::token::{TokenEncoding, TokenExchange, TokenPlacement, TokenValue};
use custkit::runtime::http::AuthScheme;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;

/// Lifetime of an issued token, in seconds, as the token response says it.
pub const TOKEN_LIFETIME: u64 = 3600;

/// The sandbox's value for credential `name`.
pub fn credential(name: &str) -> String {
    format!("sandbox-{name}")
}

/// The scopes a request was authorized with.
pub type Grant = Vec<&'static str>;

/// The sandbox's credentials and the tokens it issued.
pub struct Authority {
    scheme: AuthScheme,
    /// The scopes the sandbox's credential holds.
    held: Grant,
    /// Issued tokens and their scopes.
    tokens: Mutex<HashMap<String, Grant>>,
}

/// Why a token request was refused: the HTTP status and the OAuth2 error code.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// 400 or 401.
    pub status: u16,
    /// `invalid_client`, `invalid_request`, `invalid_scope`, ...
    pub error: &'static str,
}

impl Authority {
    /// The authority of a sandbox whose credential holds `held`.
    pub fn new(scheme: AuthScheme, held: Grant) -> Authority {
        Authority {
            scheme,
            held,
            tokens: Mutex::default(),
        }
    }

    /// The token endpoint the sandbox serves, for the token schemes.
    pub fn exchange(&self) -> Option<&'static TokenExchange> {
        match self.scheme {
            AuthScheme::Token(exchange) => Some(exchange),
            _ => None,
        }
    }

    /// The scopes of a data request, or `None` when it does not carry the sandbox's
    /// credentials (or a token it issued) the way the spec says.
    pub fn authorize(
        &self,
        header: impl Fn(&str) -> Option<String>,
        query: &[(String, String)],
    ) -> Option<Grant> {
        let query_value = |name: &str| {
            query
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        let held = || Some(self.held.clone());
        match self.scheme {
            AuthScheme::None => held(),
            AuthScheme::Bearer => (header("authorization")
                == Some(format!("Bearer {}", credential("token"))))
            .then(held)
            .flatten(),
            AuthScheme::Header { name } => (header(name) == Some(credential("api_key")))
                .then(held)
                .flatten(),
            AuthScheme::Query { name } => (query_value(name) == Some(credential("api_key")))
                .then(held)
                .flatten(),
            AuthScheme::Basic => {
                let pair = format!("{}:{}", credential("username"), credential("password"));
                let expected = base64::engine::general_purpose::STANDARD.encode(pair);
                (header("authorization") == Some(format!("Basic {expected}")))
                    .then(held)
                    .flatten()
            }
            AuthScheme::Token(exchange) => {
                let token = match exchange.send {
                    TokenPlacement::Bearer => header("authorization")
                        .and_then(|value| value.strip_prefix("Bearer ").map(str::to_string)),
                    TokenPlacement::Header(name) => header(name),
                }?;
                self.lock().get(&token).cloned()
            }
        }
    }

    /// Answers a token request: the response body, or why it is refused.
    pub fn issue(&self, exchange: &TokenExchange, body: &[u8]) -> Result<Value, Refusal> {
        let invalid = |error| Refusal { status: 400, error };
        let fields: HashMap<String, String> = match exchange.encoding {
            TokenEncoding::Form => url::form_urlencoded::parse(body).into_owned().collect(),
            TokenEncoding::Json => match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(object)) => object
                    .into_iter()
                    .filter_map(|(key, value)| match value {
                        Value::String(text) => Some((key, text)),
                        Value::Null => None,
                        other => Some((key, other.to_string())),
                    })
                    .collect(),
                _ => return Err(invalid("invalid_request")),
            },
        };
        for field in exchange.fields {
            let given = fields.get(field.name);
            match field.value {
                TokenValue::Credential(name) => {
                    if given != Some(&credential(name)) {
                        return Err(Refusal {
                            status: 401,
                            error: "invalid_client",
                        });
                    }
                }
                TokenValue::Const(expected) => {
                    if given.map(String::as_str) != Some(expected) {
                        return Err(invalid("invalid_request"));
                    }
                }
            }
        }
        let granted: Grant = match fields.get("scope") {
            None => self.held.clone(),
            Some(asked) => {
                let mut granted = Vec::new();
                for scope in asked.split_whitespace() {
                    match self.held.iter().find(|held| **held == scope) {
                        Some(held) => granted.push(*held),
                        None => return Err(invalid("invalid_scope")),
                    }
                }
                granted
            }
        };
        let token = {
            let mut tokens = self.lock();
            let token = format!("sandbox-access-token-{}", tokens.len() + 1);
            tokens.insert(token.clone(), granted.clone());
            token
        };
        let mut response = Value::Object(serde_json::Map::new());
        super::paging::place(&mut response, exchange.token, Value::from(token));
        if let Some(path) = exchange.expires_in {
            super::paging::place(&mut response, path, Value::from(TOKEN_LIFETIME));
        }
        if exchange.encoding == TokenEncoding::Form {
            // OAuth2's own keys, beside the ones the spec reads.
            if let Value::Object(object) = &mut response {
                object.insert("token_type".into(), Value::from("Bearer"));
                object.insert("scope".into(), Value::from(granted.join(" ")));
            }
        }
        Ok(response)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Grant>> {
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use custkit::runtime::http::token::TokenField;

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
        let held = || vec!["read"];
        let bearer = [("authorization", format!("Bearer {}", credential("token")))];
        let authority = Authority::new(AuthScheme::Bearer, held());
        assert_eq!(authority.authorize(headers(&bearer), &[]), Some(held()));
        assert_eq!(authority.authorize(headers(&[]), &[]), None);

        let key = [("Api-Key", credential("api_key"))];
        let header = Authority::new(AuthScheme::Header { name: "Api-Key" }, held());
        assert!(header.authorize(headers(&key), &[]).is_some());
        assert!(header.authorize(headers(&bearer), &[]).is_none());

        let query = Authority::new(AuthScheme::Query { name: "key" }, held());
        let pairs = [("key".to_string(), credential("api_key"))];
        assert!(query.authorize(headers(&[]), &pairs).is_some());
        assert!(query.authorize(headers(&key), &[]).is_none());

        let basic = [(
            "authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD
                    .encode("sandbox-username:sandbox-password")
            ),
        )];
        let basic_authority = Authority::new(AuthScheme::Basic, held());
        assert!(basic_authority.authorize(headers(&basic), &[]).is_some());
        assert!(basic_authority.authorize(headers(&bearer), &[]).is_none());
        assert!(Authority::new(AuthScheme::None, held())
            .authorize(headers(&[]), &[])
            .is_some());
    }

    static JSON_EXCHANGE: TokenExchange = TokenExchange {
        path: "/auth",
        encoding: TokenEncoding::Json,
        fields: &[
            TokenField {
                name: "client_id",
                value: TokenValue::Credential("client_id"),
            },
            TokenField {
                name: "grant_type",
                value: TokenValue::Const("client_credentials"),
            },
        ],
        credentials: &["client_id"],
        token: &["data", "token"],
        expires_in: None,
        send: TokenPlacement::Header("x-token"),
    };

    #[test]
    fn issued_tokens_carry_the_granted_scopes_and_only_issued_tokens_pass() {
        let authority = Authority::new(AuthScheme::Token(&JSON_EXCHANGE), vec!["read", "pii"]);
        let refused = authority.issue(
            &JSON_EXCHANGE,
            br#"{"client_id": "wrong", "grant_type": "client_credentials"}"#,
        );
        assert_eq!(
            refused,
            Err(Refusal {
                status: 401,
                error: "invalid_client"
            })
        );
        let no_grant = authority.issue(&JSON_EXCHANGE, br#"{"client_id": "sandbox-client_id"}"#);
        assert_eq!(
            no_grant.map_err(|refusal| refusal.error),
            Err("invalid_request")
        );
        let too_much = authority.issue(
            &JSON_EXCHANGE,
            br#"{"client_id": "sandbox-client_id", "grant_type": "client_credentials", "scope": "admin"}"#,
        );
        assert_eq!(
            too_much.map_err(|refusal| refusal.error),
            Err("invalid_scope")
        );

        let narrow = authority
            .issue(
                &JSON_EXCHANGE,
                br#"{"client_id": "sandbox-client_id", "grant_type": "client_credentials", "scope": "read"}"#,
            )
            .unwrap();
        let narrow_token = narrow["data"]["token"].as_str().unwrap().to_string();
        let full = authority
            .issue(
                &JSON_EXCHANGE,
                br#"{"client_id": "sandbox-client_id", "grant_type": "client_credentials"}"#,
            )
            .unwrap();
        let full_token = full["data"]["token"].as_str().unwrap().to_string();
        assert_ne!(narrow_token, full_token);
        assert_eq!(
            authority.authorize(headers(&[("x-token", narrow_token)]), &[]),
            Some(vec!["read"])
        );
        assert_eq!(
            authority.authorize(headers(&[("x-token", full_token)]), &[]),
            Some(vec!["read", "pii"])
        );
        assert_eq!(
            authority.authorize(headers(&[("x-token", "forged".to_string())]), &[]),
            None
        );
    }
}
