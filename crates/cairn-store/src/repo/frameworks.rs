//! Storage for frameworks.
