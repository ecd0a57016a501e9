//! The sandbox: an in-process mock of a provider on 127.0.0.1, built from its spec. It
//! serves the spec's example responses with the spec's auth, so `custkit sync` works on a
//! machine with no network and no credentials.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use custkit::{ClientConfig, ProviderInfo};
use custkit_runtime::endpoint::{EndpointSpec, Pagination};
use custkit_runtime::http::token::TokenPlacement;
use custkit_runtime::http::AuthScheme;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// A running sandbox; stops when dropped.
pub struct Sandbox {
    address: SocketAddr,
    provider: &'static ProviderInfo,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

struct Shared {
    provider: &'static ProviderInfo,
}

impl Sandbox {
    /// Starts serving `provider` on an ephemeral loopback port.
    pub async fn start(provider: &'static ProviderInfo) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared { provider });
        let mut router = Router::new();
        for endpoint in provider.endpoints {
            // Spec paths name parameters `{name}`, as axum routes do.
            router = router.route(
                endpoint.path,
                any(move |state, headers, query| serve(state, headers, query, endpoint)),
            );
        }
        let router = router.with_state(shared);
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Sandbox {
            address,
            provider,
            shutdown: Some(shutdown),
        })
    }

    /// The sandbox's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Points `config` at the sandbox, with the sandbox's credentials.
    pub fn configure(&self, mut config: ClientConfig) -> ClientConfig {
        config = config.base_url(self.base_url());
        for name in self.provider.auth.credential_names() {
            config = config.credential(*name, sandbox_credential(name));
        }
        config
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

fn sandbox_credential(name: &str) -> String {
    format!("sandbox-{name}")
}

fn authorized(auth: AuthScheme, headers: &HeaderMap, query: &HashMap<String, String>) -> bool {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string)
    };
    match auth {
        AuthScheme::None => true,
        AuthScheme::Bearer => {
            header("authorization") == Some(format!("Bearer {}", sandbox_credential("token")))
        }
        AuthScheme::Header { name } => header(name) == Some(sandbox_credential("api_key")),
        AuthScheme::Query { name } => query.get(name) == Some(&sandbox_credential("api_key")),
        AuthScheme::Basic => {
            header("authorization").is_some_and(|value| value.starts_with("Basic "))
        }
        // The sandbox does not serve token endpoints yet: any token in the right place.
        AuthScheme::Token(exchange) => match exchange.send {
            TokenPlacement::Bearer => {
                header("authorization").is_some_and(|value| value.starts_with("Bearer "))
            }
            TokenPlacement::Header(name) => header(name).is_some(),
        },
    }
}

async fn serve(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    endpoint: &'static EndpointSpec,
) -> Response {
    if !authorized(shared.provider.auth, &headers, &query) {
        return (
            StatusCode::UNAUTHORIZED,
            [("content-type", "application/json")],
            r#"{"message":"Unauthenticated."}"#,
        )
            .into_response();
    }
    let Some(example) = shared
        .provider
        .examples
        .iter()
        .find(|example| example.endpoint == endpoint.name)
    else {
        return (
            StatusCode::NOT_FOUND,
            "the spec has no example for this endpoint",
        )
            .into_response();
    };
    let first_page = match &endpoint.pagination {
        Pagination::None => true,
        Pagination::PageNumber(paging) => query
            .get(paging.param)
            .and_then(|page| page.parse::<u64>().ok())
            .is_none_or(|page| page == paging.start),
        Pagination::Cursor(paging) => !query.contains_key(paging.param),
    };
    let body = if first_page {
        example.body.to_string()
    } else {
        without_records(example.body, endpoint.records.path)
    };
    ([("content-type", "application/json")], body).into_response()
}

/// The example with its records emptied: what a page past the end looks like.
fn without_records(body: &str, path: &[&str]) -> String {
    let Ok(mut json) = serde_json::from_str::<serde_json::Value>(body) else {
        return body.to_string();
    };
    let mut target = &mut json;
    for key in path {
        match target.get_mut(*key) {
            Some(next) => target = next,
            None => return body.to_string(),
        }
    }
    *target = serde_json::Value::Array(Vec::new());
    json.to_string()
}
