//! Cairn's HTTP face: the axum router, JSON API, OpenAPI document and server-rendered pages.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
