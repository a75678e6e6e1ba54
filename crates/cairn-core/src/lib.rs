//! Cairn's domain: the entities and the rules over them, as plain data and pure functions.
//!
//! Nothing here performs IO or knows about async, databases or HTTP, so every rule can be
//! unit- and property-tested on its own and reused by the CLI, the server and batch jobs alike.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod accreditation;
pub mod assessment;
pub mod audit;
pub mod authz;
pub mod catalog;
pub mod criteria;
pub mod entities;
pub mod framework;
pub mod icd11;
pub mod pathway;
pub mod renewal;
pub mod review;
pub mod rng;
pub mod stacks;
pub mod validate;
pub mod workforce;

pub use authz::{Action, Principal, PrincipalKind};
pub use entities::*;

/// `t` without its sub-microsecond part: both databases keep microseconds, and a time that
/// is hashed (the audit chain) must read back exactly as it was written.
pub fn truncate_micros(t: time::OffsetDateTime) -> time::OffsetDateTime {
    let micros = t.nanosecond() / 1_000 * 1_000;
    t.replace_nanosecond(micros).unwrap_or(t)
}
