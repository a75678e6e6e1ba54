//! Tests for icd11.
