//! Open Badges 3.0 (and CLR 2.0) data model, with builders that produce valid JSON:
//! contexts in the order VC v2 then OB 3.0.3, dates with a timezone, required fields.

pub use crate::contexts::CLR_V2P0_1;
use crate::contexts::{OB_V3P0_3, VC_V2};
use crate::di::format_datetime;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The OB 3.0 AchievementType vocabulary; other values need the `ext:` prefix.
pub const ACHIEVEMENT_TYPES: &[&str] = &[
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
];

/// Cairn's achievement kinds and their OB 3.0 `achievementType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AchievementKind {
    Badge,
    MicroCredential,
    NanoDegree,
    Certificate,
}

impl AchievementKind {
    pub fn achievement_type(self) -> &'static str {
        match self {
            Self::Badge => "Badge",
            Self::MicroCredential => "MicroCredential",
            // Not in the OB 3.0 vocabulary: extensions carry the `ext:` prefix.
            Self::NanoDegree => "ext:NanoDegree",
            Self::Certificate => "Certificate",
        }
    }
}

fn is_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

impl Profile {
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            types: vec!["Profile".into()],
            name: Some(name.into()),
            ..Self::default()
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Criteria {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    #[serde(rename = "type")]
    pub types: Vec<String>,
    pub target_name: String,
    pub target_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    /// e.g. `ext:Competency`, `CFItem`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
}

impl Alignment {
    pub fn new(target_name: impl Into<String>, target_url: impl Into<String>) -> Self {
        Self {
            types: vec!["Alignment".into()],
            target_name: target_name.into(),
            target_url: target_url.into(),
            ..Self::default()
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultDescription {
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    pub name: String,
    /// e.g. `GradePointAverage`, `LetterGrade`, `Percent`, `RubricCriterionLevel`, `ext:…`.
    pub result_type: String,
    #[serde(skip_serializing_if = "is_empty", default)]
    pub allowed_value: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_max: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_min: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Achievement {
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achievement_type: Option<String>,
    pub name: String,
    pub description: String,
    pub criteria: Criteria,
    #[serde(skip_serializing_if = "is_empty", default)]
    pub alignment: Vec<Alignment>,
    #[serde(skip_serializing_if = "is_empty", default)]
    pub result_description: Vec<ResultDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator: Option<Profile>,
    #[serde(skip_serializing_if = "is_empty", default)]
    pub tag: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_of_study: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits_available: Option<f64>,
}

impl Achievement {
    pub fn new(
        id: impl Into<String>,
        kind: AchievementKind,
        name: impl Into<String>,
        description: impl Into<String>,
        criteria_narrative: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            types: vec!["Achievement".into()],
            achievement_type: Some(kind.achievement_type().into()),
            name: name.into(),
            description: description.into(),
            criteria: Criteria {
                id: None,
                narrative: Some(criteria_narrative.into()),
            },
            ..Self::default()
        }
    }
}

/// A hashed recipient identifier (OB 3.0 IdentityObject).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityObject {
    #[serde(rename = "type")]
    pub kind: String,
    pub hashed: bool,
    pub identity_hash: String,
    pub identity_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
}

/// `sha256$` + hex SHA-256 of the identity followed by the salt — the order the
/// reference issuer and Open Badges 2.0 tools use, so their verifiers can match it.
pub fn identity_hash(identity: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{identity}{salt}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256${hex}")
}

impl IdentityObject {
    pub fn hashed_email(email: &str, salt: &str) -> Self {
        Self {
            kind: "IdentityObject".into(),
            hashed: true,
            identity_hash: identity_hash(email, salt),
            identity_type: "emailAddress".into(),
            salt: Some(salt.into()),
        }
    }

    /// Does `identity` (e.g. an email address) match this hashed identifier?
    pub fn matches(&self, identity: &str) -> bool {
        if !self.hashed {
            return self.identity_hash == identity;
        }
        identity_hash(identity, self.salt.as_deref().unwrap_or("")) == self.identity_hash
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementResult {
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achieved_level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementSubject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(skip_serializing_if = "is_empty", default)]
    pub identifier: Vec<IdentityObject>,
    pub achievement: Achievement,
    #[serde(skip_serializing_if = "is_empty", default)]
    pub result: Vec<AchievementResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_end_date: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenBadgeCredential {
    #[serde(rename = "@context")]
    pub context: Vec<String>,
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub issuer: Profile,
    pub valid_from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    pub credential_subject: AchievementSubject,
    #[serde(skip_serializing_if = "is_empty", default)]
    pub evidence: Vec<Evidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_status: Option<Value>,
}

/// OB 3.0 calls the same thing AchievementCredential.
pub type AchievementCredential = OpenBadgeCredential;

impl OpenBadgeCredential {
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Builds an OpenBadgeCredential; `build()` fills the rules (contexts, types, dates).
#[derive(Clone, Debug)]
pub struct CredentialBuilder {
    id: String,
    issuer: Profile,
    achievement: Achievement,
    subject_id: Option<String>,
    identifier: Vec<IdentityObject>,
    valid_from: OffsetDateTime,
    valid_until: Option<OffsetDateTime>,
    evidence: Vec<Evidence>,
    result: Vec<AchievementResult>,
    status: Option<Value>,
}

impl CredentialBuilder {
    pub fn new(
        id: impl Into<String>,
        issuer: Profile,
        achievement: Achievement,
        valid_from: OffsetDateTime,
    ) -> Self {
        Self {
            id: id.into(),
            issuer,
            achievement,
            subject_id: None,
            identifier: Vec::new(),
            valid_from,
            valid_until: None,
            evidence: Vec::new(),
            result: Vec::new(),
            status: None,
        }
    }
    pub fn subject_id(mut self, id: impl Into<String>) -> Self {
        self.subject_id = Some(id.into());
        self
    }
    pub fn hashed_email(mut self, email: &str, salt: &str) -> Self {
        self.identifier
            .push(IdentityObject::hashed_email(email, salt));
        self
    }
    pub fn valid_until(mut self, t: OffsetDateTime) -> Self {
        self.valid_until = Some(t);
        self
    }
    pub fn evidence(mut self, e: Evidence) -> Self {
        self.evidence.push(e);
        self
    }
    pub fn result(mut self, r: AchievementResult) -> Self {
        self.result.push(r);
        self
    }
    pub fn status(mut self, entry: Value) -> Self {
        self.status = Some(entry);
        self
    }
    pub fn build(self) -> OpenBadgeCredential {
        OpenBadgeCredential {
            context: vec![VC_V2.into(), OB_V3P0_3.into()],
            id: self.id,
            types: vec!["VerifiableCredential".into(), "OpenBadgeCredential".into()],
            name: Some(self.achievement.name.clone()),
            description: Some(self.achievement.description.clone()),
            issuer: self.issuer,
            valid_from: format_datetime(self.valid_from),
            valid_until: self.valid_until.map(format_datetime),
            credential_subject: AchievementSubject {
                id: self.subject_id,
                types: vec!["AchievementSubject".into()],
                identifier: self.identifier,
                achievement: self.achievement,
                result: self.result,
                activity_start_date: None,
                activity_end_date: None,
            },
            evidence: self.evidence,
            credential_status: self.status,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndorsementSubject {
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endorsement_comment: Option<String>,
}

/// An accreditor's endorsement of an achievement, a profile or a credential.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndorsementCredential {
    #[serde(rename = "@context")]
    pub context: Vec<String>,
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    pub name: String,
    pub issuer: Profile,
    pub valid_from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    pub credential_subject: EndorsementSubject,
}

impl EndorsementCredential {
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        issuer: Profile,
        endorsed_id: impl Into<String>,
        comment: Option<String>,
        valid_from: OffsetDateTime,
    ) -> Self {
        Self {
            context: vec![VC_V2.into(), OB_V3P0_3.into()],
            id: id.into(),
            types: vec![
                "VerifiableCredential".into(),
                "EndorsementCredential".into(),
            ],
            name: name.into(),
            issuer,
            valid_from: format_datetime(valid_from),
            valid_until: None,
            credential_subject: EndorsementSubject {
                id: endorsed_id.into(),
                types: vec!["EndorsementSubject".into()],
                endorsement_comment: comment,
            },
        }
    }
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClrSubject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(skip_serializing_if = "is_empty", default)]
    pub identifier: Vec<IdentityObject>,
    /// The learner's signed OpenBadgeCredentials, embedded as they are.
    pub verifiable_credential: Vec<Value>,
    #[serde(skip_serializing_if = "is_empty", default)]
    pub achievement: Vec<Achievement>,
}

/// A CLR 2.0 transcript: a learner's credentials bundled and signed by the issuer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClrCredential {
    #[serde(rename = "@context")]
    pub context: Vec<String>,
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    pub name: String,
    pub issuer: Profile,
    pub valid_from: String,
    pub credential_subject: ClrSubject,
}

impl ClrCredential {
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        issuer: Profile,
        learner_id: Option<String>,
        credentials: Vec<Value>,
        valid_from: OffsetDateTime,
    ) -> Self {
        Self {
            context: vec![VC_V2.into(), CLR_V2P0_1.into(), OB_V3P0_3.into()],
            id: id.into(),
            types: vec!["VerifiableCredential".into(), "ClrCredential".into()],
            name: name.into(),
            issuer,
            valid_from: format_datetime(valid_from),
            credential_subject: ClrSubject {
                id: learner_id,
                types: vec!["ClrSubject".into()],
                identifier: Vec::new(),
                verifiable_credential: credentials,
                achievement: Vec::new(),
            },
        }
    }
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
