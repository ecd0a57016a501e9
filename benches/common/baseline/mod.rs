//! Each provider's records decoded the way a hand-written client would do it: one
//! `#[derive(Deserialize)]` struct per object, written by hand from the provider's
//! documented example, every field declared, no custkit code. They are the baselines the
//! generated decode + normalize is measured against.

pub mod clopos;
pub mod ladiflow;
pub mod meedee;
pub mod tourwell;
pub mod xtrakit;
