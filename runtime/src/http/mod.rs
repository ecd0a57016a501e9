//! Talking to a provider: configuration, auth, parameters, the request executor, and
//! the retry and pacing rules it follows.

mod auth;
mod config;
pub mod envelope;
mod executor;
mod params;
pub mod rate_limit;
pub mod retry;
pub mod token;

pub use auth::AuthScheme;
pub use config::{ClientConfig, RecordErrorHandler};
pub use executor::{Executor, Response};
pub use params::{check, Location, ParamKind, ParamRules, ParamSpec, ParamValue, Params};
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
