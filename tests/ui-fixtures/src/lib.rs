//! Clients generated from test-only specs (`specs/`): shapes the real providers do not
//! have, for compile-fail tests to misuse (several endpoints, required parameters) and for
//! fault tests to page through (next-page links, a key in a header of its own).

include!(concat!(env!("OUT_DIR"), "/providers.rs"));
