//! Local mock providers for end-to-end tests: real HTTP servers on 127.0.0.1 that record
//! every request they receive.

#![allow(dead_code)]

pub mod airbyte;

use axum::Router;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// A request as the mock saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The path and query, exactly as sent (still percent-encoded).
    pub uri: String,
    /// Header pairs, lower-case names.
    pub headers: Vec<(String, String)>,
    /// The body, as text.
    pub body: String,
}

impl Seen {
    /// The decoded query pairs.
    pub fn query(&self) -> Vec<(String, String)> {
        let query = self
            .uri
            .split_once('?')
            .map(|(_, query)| query)
            .unwrap_or("");
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The decoded value of a query parameter.
    pub fn param(&self, name: &str) -> Option<String> {
        self.query()
            .into_iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Requests recorded by a mock.
pub type Log = Arc<Mutex<Vec<Seen>>>;

/// A running mock; stops with the test's runtime.
pub struct Mock {
    pub address: SocketAddr,
    pub log: Log,
}

impl Mock {
    /// The mock's base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    /// The requests so far whose path starts with `prefix` (leaving out, say, token
    /// requests).
    pub fn requests_to(&self, prefix: &str) -> Vec<Seen> {
        self.requests()
            .into_iter()
            .filter(|seen| seen.uri.starts_with(prefix))
            .collect()
    }
}

/// Serves `router` on 127.0.0.1, recording every request before it is handled.
pub async fn serve(router: Router) -> Mock {
    let log: Log = Arc::default();
    let recorder = log.clone();
    let router = router.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            let recorder = recorder.clone();
            async move {
                let (parts, body) = request.into_parts();
                let bytes = axum::body::to_bytes(body, usize::MAX)
                    .await
                    .unwrap_or_default();
                recorder.lock().unwrap().push(Seen {
                    uri: parts.uri.to_string(),
                    headers: parts
                        .headers
                        .iter()
                        .map(|(name, value)| {
                            (
                                name.as_str().to_string(),
                                value.to_str().unwrap_or("").to_string(),
                            )
                        })
                        .collect(),
                    body: String::from_utf8_lossy(&bytes).into_owned(),
                });
                next.run(axum::extract::Request::from_parts(
                    parts,
                    axum::body::Body::from(bytes),
                ))
                .await
            }
        },
    ));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind 127.0.0.1");
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    Mock { address, log }
}

/// Every item of a stream: the records, then the error that ended it (if any). Asserts
/// that nothing follows an error.
pub async fn drain<T>(
    mut stream: impl futures::Stream<Item = Result<T, custkit::Error>> + Unpin,
) -> (Vec<T>, Option<custkit::Error>) {
    use futures::StreamExt;
    let mut records = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(record) => records.push(record),
            Err(error) => {
                assert!(
                    stream.next().await.is_none(),
                    "the stream ends at its error"
                );
                return (records, Some(error));
            }
        }
    }
    (records, None)
}

/// `custkit` in `dir`, with `dir` as its home and no `CUSTKIT_*` variables, so no
/// configuration or credential of the machine leaks in.
pub fn custkit(dir: &std::path::Path) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("custkit").unwrap();
    command
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join(".config"))
        .env_remove("CUSTKIT_CONFIG");
    for (name, _) in std::env::vars() {
        if name.starts_with("CUSTKIT_") {
            command.env_remove(name);
        }
    }
    command
}
