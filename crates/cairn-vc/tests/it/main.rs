//! Integration tests of cairn-vc: one test binary, one module per concern.

mod shared;
mod vectors;
