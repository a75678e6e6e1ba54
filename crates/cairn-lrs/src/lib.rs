//! xAPI statement model, validation and query semantics for Cairn's Learning Record Store
//! (xAPI 2.0, IEEE 9274.1.1; 1.0.3 clients accepted).
//!
//! Pure: no IO. The server hands in JSON values and query parameters; this crate says
//! whether they are valid — naming the xAPI requirement a violation breaks — and extracts
//! what storage indexes (actor, verb, activities, agents, registration, voided target).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod attachments;
mod format;
pub mod multipart;
pub mod query;
pub mod signature;
pub mod statement;
pub mod text;
mod validate;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_attachments;

pub use attachments::{AttachmentPart, check_attachments, split_request};
pub use query::{Format, StatementQuery, parse_statement_query};
pub use statement::{
    Finalized, ValidStatement, Version, agent_ifi, agent_parameter, finalize_statement,
    format_statement, stored_text, validate_statement, validate_statement_owned,
};

/// A violation of the xAPI specification, with the requirement it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({requirement})")]
pub struct XapiError {
    /// The xAPI requirement id, e.g. "XAPI-00001", or a section name where the
    /// conformance suite names none.
    pub requirement: &'static str,
    /// What is wrong and where, e.g. "statement.actor.mbox must be a mailto: IRI".
    pub message: String,
}

impl XapiError {
    pub fn new(requirement: &'static str, message: impl Into<String>) -> Self {
        Self {
            requirement,
            message: message.into(),
        }
    }
}
