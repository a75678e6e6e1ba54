//! Verifiable credentials for Cairn: Open Badges 3.0 on VC 2.0, eddsa-rdfc-2022, vc+jwt, DIDs, status lists.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod contexts;
pub mod di;
pub mod did;
pub mod error;
pub mod jsonld;
pub mod keys;
pub mod multibase;

pub use error::{Error, Result};
pub mod bake;
pub mod clr;
pub mod jwt;
pub mod ob3;
pub mod status;
pub mod trust;
pub mod verify;
