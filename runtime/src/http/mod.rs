//! Talking to a provider: configuration, auth, parameters and the request executor.

mod auth;
mod config;
pub mod envelope;
mod executor;
mod params;

pub use auth::AuthScheme;
pub use config::{ClientConfig, RecordErrorHandler};
pub use executor::{Executor, Response};
pub use params::{check, Location, ParamKind, ParamSpec, ParamValue, Params};
