//! Clients generated from test-only specs (`specs/`), so compile-fail tests can misuse
//! shapes the real providers do not have (several endpoints, required parameters).

include!(concat!(env!("OUT_DIR"), "/providers.rs"));
