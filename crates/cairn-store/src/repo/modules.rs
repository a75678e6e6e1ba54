//! Storage for modules.
