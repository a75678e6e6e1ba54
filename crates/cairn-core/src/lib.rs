//! Pure domain model and rules of Cairn: entities, permissions, stack rules, scoring, gaps.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
