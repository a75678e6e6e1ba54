//! The first entities of Cairn: organizations, people, memberships, teams, API tokens.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// What an organization is to the platform. One organization may be several at once:
/// a hospital network is an employer and often also a training provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    Employer,
    Provider,
    Accreditor,
    Issuer,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [
        OrgKind::Employer,
        OrgKind::Provider,
        OrgKind::Accreditor,
        OrgKind::Issuer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Employer => "employer",
            OrgKind::Provider => "provider",
            OrgKind::Accreditor => "accreditor",
            OrgKind::Issuer => "issuer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organization {
    pub id: Uuid,
    /// URL-safe handle, unique on the platform; also the did:web path segment.
    pub slug: String,
    pub name: String,
    pub kinds: Vec<OrgKind>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl Organization {
    pub fn is(&self, kind: OrgKind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// A permission role of a member within one organization.
///
/// Not to be confused with a [RoleProfile](crate) — a job's requirements, which comes later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Manager,
    Author,
    Assessor,
    Reviewer,
    Learner,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Manager,
        Role::Author,
        Role::Assessor,
        Role::Reviewer,
        Role::Learner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Author => "author",
            Role::Assessor => "assessor",
            Role::Reviewer => "reviewer",
            Role::Learner => "learner",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Email {
    /// Stored lower-cased so that sign-in is not case sensitive.
    pub address: String,
    pub primary: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    pub display_name: String,
    pub emails: Vec<Email>,
    /// A platform operator may create organizations and keeps the trusted registry.
    pub is_operator: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl User {
    pub fn primary_email(&self) -> Option<&str> {
        self.emails
            .iter()
            .find(|e| e.primary)
            .map(|e| e.address.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub org_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    /// The member's job in the organization, e.g. "Clinical Coder"; shown to managers.
    pub job_title: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
}

/// An API token's public facts. The secret itself is shown once at creation and only its
/// hash is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: Uuid,
    pub org_id: Uuid,
    pub role: Role,
    pub name: String,
    pub created_by: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl ApiToken {
    pub fn is_usable_at(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// How much an achievement stands for; kinds stack (badges into micro-credentials into
/// nano-degrees and certificates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AchievementKind {
    Badge,
    MicroCredential,
    NanoDegree,
    Certificate,
}

impl AchievementKind {
    pub const ALL: [AchievementKind; 4] = [
        AchievementKind::Badge,
        AchievementKind::MicroCredential,
        AchievementKind::NanoDegree,
        AchievementKind::Certificate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AchievementKind::Badge => "badge",
            AchievementKind::MicroCredential => "micro_credential",
            AchievementKind::NanoDegree => "nano_degree",
            AchievementKind::Certificate => "certificate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How people call it.
    pub fn label(self) -> &'static str {
        match self {
            AchievementKind::Badge => "Badge",
            AchievementKind::MicroCredential => "Micro-credential",
            AchievementKind::NanoDegree => "Nano-degree",
            AchievementKind::Certificate => "Certificate",
        }
    }
}

/// What can be earned (an OB 3.0 Achievement), defined by an issuer organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Achievement {
    pub id: Uuid,
    pub org_id: Uuid,
    pub kind: AchievementKind,
    pub name: String,
    pub description: String,
    /// What a learner must do or show, in words.
    pub criteria: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The machine-readable side: award rule, review policy, alignments, validity.
    #[serde(default)]
    pub spec: AchievementSpec,
}

/// What an achievement says beyond its words: the rule that awards it automatically (none:
/// issued by hand only), how evidence towards it is reviewed, the competencies it proves
/// and for how long a credential for it is valid.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AchievementSpec {
    #[serde(default)]
    pub rule: Option<crate::criteria::Criteria>,
    #[serde(default)]
    pub review_policy: crate::review::ReviewPolicy,
    #[serde(default)]
    pub alignments: Vec<AchievementAlignment>,
    /// An https URL of the badge image, if the issuer has one.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Credentials for it are valid this many days from issue; none: no end.
    #[serde(default)]
    pub validity_days: Option<u32>,
    /// Awarded when the learner holds other achievements (a micro-credential, nano-degree
    /// or certificate built from smaller ones). An achievement has a `rule` or a `stack`,
    /// not both.
    #[serde(default)]
    pub stack: Option<crate::stacks::StackSpec>,
    /// Credit value in thousandths of a credit hour, counted by `min_credits` stack rules
    /// and credit-based renewal.
    #[serde(default)]
    pub credits: Option<crate::stacks::CreditsMilli>,
    /// How a credential for it is renewed before it expires.
    #[serde(default)]
    pub renewal: Option<crate::renewal::Renewal>,
}

/// A competency an achievement proves, at a level of the framework's scale when given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AchievementAlignment {
    pub competency_id: Uuid,
    #[serde(default)]
    pub level: Option<i32>,
}

/// Where a credential stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CredentialState {
    Active,
    Suspended,
    Revoked,
}

/// An issued credential as its issuer sees it (the signed document is stored beside it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialRecord {
    pub id: Uuid,
    pub org_id: Uuid,
    pub achievement_id: Option<Uuid>,
    pub recipient_user: Option<Uuid>,
    pub recipient: String,
    pub name: String,
    pub state: CredentialState,
    pub status_reason: Option<String>,
    pub status_list: i32,
    pub status_index: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    /// When it stops being valid on its own (`validUntil`); none: no end.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub valid_until: Option<OffsetDateTime>,
}
