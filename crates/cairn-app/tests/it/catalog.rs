//! Tests for catalog.
