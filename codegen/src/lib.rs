//! Turns custkit provider specs (YAML) into typed Rust clients.
//!
//! Use it from a `build.rs`, like `prost-build`:
//!
//! ```no_run
//! // In build.rs's `main`:
//! if let Err(errors) = custkit_codegen::Config::new().specs_dir("specs").generate() {
//!     eprintln!("{errors}");
//!     std::process::exit(1);
//! }
//! ```
//!
//! and include the result in the crate:
//!
//! ```ignore
//! include!(concat!(env!("OUT_DIR"), "/providers.rs"));
//! ```
//!
//! The pipeline is one way: [`load`] (YAML with positions) → [`validate`] (every rule,
//! every error of every spec collected) → [`generate`] (tokens with `quote`, formatted
//! with `prettyplease`) → files written only when their content changed.

pub mod diagnostic;
pub mod generate;
pub mod load;
pub mod schema;
pub mod spec;
pub mod validate;

mod config;

pub use config::{Config, GeneratedFile};
pub use diagnostic::{Diagnostic, Diagnostics};
