//! Typed clients for customer APIs, generated from the specs in `specs/`, each
//! normalizing its records into one [`Customer`].
//!
//! ```no_run
//! use futures::TryStreamExt;
//!
//! # async fn run() -> Result<(), custkit::Error> {
//! let client = custkit::tourwell::Client::builder()
//!     .tenant("demo")
//!     .bearer_token("my-token")
//!     .build()?;
//! let mut customers = client.list_customers().name("Cẩm Lệ").agent_level_id(1).stream();
//! while let Some(customer) = customers.try_next().await? {
//!     println!("{} {:?}", customer.remote_id, customer.full_name);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Every provider module has the same shape: `Client` and `ClientBuilder`, one request
//! builder per endpoint, the raw record type `Customer` (every field the provider sends,
//! typed), and `PROVIDER`, the provider as data. [`PROVIDERS`] lists them all, so a
//! program can sync any provider by name (the `custkit` tool does).

#![warn(missing_docs)]

pub use custkit_runtime as runtime;
pub use custkit_runtime::__private::chrono;
pub use custkit_runtime::model::{
    Address, CompactString, Currency, CustomField, CustomValue, Email, Gender, Label, Loyalty,
    Money, NationalId, PartialDate, Phone, SocialProfile,
};
pub use custkit_runtime::{
    ClientConfig, Customer, Error, Pii, ProviderInfo, RecordError, RecordStream, Secret,
};

include!(concat!(env!("OUT_DIR"), "/providers.rs"));

/// The provider called `name`, if a spec defines it.
pub fn provider(name: &str) -> Option<&'static ProviderInfo> {
    PROVIDERS
        .iter()
        .copied()
        .find(|provider| provider.name == name)
}
