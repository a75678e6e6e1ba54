//! Storage for icd11.
