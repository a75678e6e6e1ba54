//! Stackable credentials: rules that combine achievements (badges → micro-credentials →
//! nano-degrees/certificates), evaluated over the credentials a learner holds.
//!
//! Pure: no storage, no clock. The application keeps the definitions and the credentials,
//! calls these functions, and awards what they say.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Credits in thousandths (1 credit hour = 1000), so sums stay exact.
pub type CreditsMilli = u64;

/// A stack rule: which held achievements complete a stacked achievement.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StackRule {
    /// A valid credential for this achievement.
    Holds { achievement_id: Uuid },
    /// Every part.
    AllOf {
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        of: Vec<StackRule>,
    },
    /// At least `k` of the parts ("k of n"; required plus electives is
    /// `all_of [required…, at_least k of electives]`).
    AtLeast {
        k: u32,
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        of: Vec<StackRule>,
    },
    /// Held achievements among `of` whose credits add up to at least `min`.
    MinCredits { min: CreditsMilli, of: Vec<Uuid> },
}

/// A stacked achievement's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StackDef {
    pub achievement_id: Uuid,
    pub rule: StackRule,
    /// Achievements that must be held before this one may be earned.
    #[serde(default)]
    pub prerequisites: Vec<Uuid>,
}

/// A credential a learner holds, as stack rules count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Held {
    pub achievement_id: Uuid,
    pub credential_id: Uuid,
    /// The achievement's credit value (0 when it has none).
    pub credits: CreditsMilli,
}
