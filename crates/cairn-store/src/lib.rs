//! Storage for Cairn: repositories over SQLite and PostgreSQL, with migrations.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
