//! Tests for frameworks.
