//! Cairn's use cases: accounts, organizations, authorization, awards; shared by the CLI and the server.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
