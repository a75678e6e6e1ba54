//! Integration tests of cairn-vc: one test binary, one module per concern.

mod clr;
mod differential;
mod examples;
mod fixtures;
mod hostile;
mod interop;
mod jwt_report;
mod mutations;
mod roundtrip;
mod shared;
mod tamper;
mod vectors;
