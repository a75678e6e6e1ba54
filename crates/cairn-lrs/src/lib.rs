//! xAPI statement model, validation and query semantics for Cairn's Learning Record Store.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
