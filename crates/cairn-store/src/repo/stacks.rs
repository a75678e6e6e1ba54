//! Stacks: the reverse index from achievements to the stacks naming them, and what a
//! learner holds.

/// A credential a learner holds, as stacks count it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HeldRow {
    pub credential_id: uuid::Uuid,
}
