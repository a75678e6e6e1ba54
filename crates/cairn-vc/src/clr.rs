//! CLR 2.0 (1EdTech Comprehensive Learner Record): the unsigned `ClrCredential` that
//! bundles one learner's signed OpenBadgeCredentials, the achievements they name, and
//! the relations between those achievements (e.g. a badge `isChildOf` the
//! micro-credential it stacks into). The caller signs the result with
//! [`crate::di::sign_credential`], exactly as for an OpenBadgeCredential.
//!
//! [`verify_clr`] adds what [`crate::verify::verify_credential`] does not look at: the
//! proof of every embedded credential, and that every association names an achievement
//! of the transcript.
//!
//! ```text
//! let unsigned = clr_credential(&input)?;
//! let signed = di::sign_credential(&unsigned, &key, &vm, now)?;
//! let report = verify_clr(&signed, &VerifyOptions::new(now, &fetcher));
//! ```

use crate::contexts::{CLR_V2P0_1, OB_V3P0_3, VC_V2};
use crate::di::{format_datetime, proofs_of};
use crate::error::{Error, Result};
use crate::ob3::{IdentityObject, Profile};
use crate::verify::{VerificationReport, VerifyOptions, verify_credential};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use time::OffsetDateTime;

/// CLR 2.0 `AssociationType`: how the source achievement relates to the target one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssociationType {
    ExactMatchOf,
    /// The source is a part (child) of the target: a badge inside a micro-credential.
    IsChildOf,
    IsParentOf,
    IsPartOf,
    IsPeerOf,
    IsRelatedTo,
    Precedes,
    ReplacedBy,
}

impl AssociationType {
    pub const ALL: [Self; 8] = [
        Self::ExactMatchOf,
        Self::IsChildOf,
        Self::IsParentOf,
        Self::IsPartOf,
        Self::IsPeerOf,
        Self::IsRelatedTo,
        Self::Precedes,
        Self::ReplacedBy,
    ];

    /// The value written in `associationType`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExactMatchOf => "exactMatchOf",
            Self::IsChildOf => "isChildOf",
            Self::IsParentOf => "isParentOf",
            Self::IsPartOf => "isPartOf",
            Self::IsPeerOf => "isPeerOf",
            Self::IsRelatedTo => "isRelatedTo",
            Self::Precedes => "precedes",
            Self::ReplacedBy => "replacedBy",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A relation between two achievements of the transcript, by achievement `id`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Association {
    pub association_type: AssociationType,
    pub source_id: String,
    pub target_id: String,
}

impl Association {
    /// `child` is part of the stack `parent` (`isChildOf`: source = child, target = parent).
    pub fn is_child_of(child: impl Into<String>, parent: impl Into<String>) -> Self {
        Self {
            association_type: AssociationType::IsChildOf,
            source_id: child.into(),
            target_id: parent.into(),
        }
    }

    pub fn to_value(&self) -> Value {
        json!({
            "type": "Association",
            "associationType": self.association_type.as_str(),
            "sourceId": self.source_id,
            "targetId": self.target_id,
        })
    }
}

/// Who the transcript is about. At least one of `id` and `email` is required.
///
/// The email address is never written: the transcript carries it hashed with `salt`
/// (an OB 3.0 `IdentityObject`, as OpenBadgeCredentials do). It is also how each
/// embedded credential is matched to the learner, so a credential issued to someone
/// else cannot be bundled by mistake.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Learner {
    /// e.g. a DID; compared with the embedded credentials' `credentialSubject.id`.
    pub id: Option<String>,
    pub email: Option<String>,
    pub salt: String,
}

/// Everything a `ClrCredential` is built from.
#[derive(Clone, Debug)]
pub struct ClrInput {
    /// e.g. `urn:uuid:…`
    pub id: String,
    /// The platform's issuer DID; the transcript must be signed with one of its keys.
    pub issuer_did: String,
    pub issuer_name: String,
    pub name: String,
    pub description: String,
    pub valid_from: OffsetDateTime,
    pub learner: Learner,
    /// The learner's signed OpenBadgeCredentials, embedded byte for byte as given (their
    /// proofs stay valid only if nothing in them changes).
    pub credentials: Vec<Value>,
    pub associations: Vec<Association>,
}

/// Builds the unsigned CLR 2.0 `ClrCredential` for `input`.
///
/// `@context` is VC v2, CLR 2.0.1, OB 3.0.3: the CLR context defines only the CLR
/// classes and their own properties, so the OB context is still needed for the
/// achievements and the hashed identifier (and VC v2 has no `@vocab` to catch them).
///
/// `credentialSubject.achievement` lists each embedded credential's achievement once
/// (by `id`, the first occurrence kept, in the credentials' order).
///
/// Errors ([`Error::InvalidDocument`]) when: there is no credential; a credential is not
/// a signed OpenBadgeCredential/AchievementCredential with an achievement `id`; a
/// credential is not about the learner; the learner has neither `id` nor `email`; an
/// association names an achievement that is not in the transcript, or relates an
/// achievement to itself, or is given twice.
pub fn clr_credential(input: &ClrInput) -> Result<Value> {
    let learner = &input.learner;
    if learner.id.is_none() && learner.email.is_none() {
        return Err(Error::InvalidDocument(
            "the learner needs an `id` or an email address: a ClrSubject must say who it is about"
                .into(),
        ));
    }
    if input.credentials.is_empty() {
        return Err(Error::InvalidDocument(
            "a ClrCredential needs at least one embedded credential (verifiableCredential)".into(),
        ));
    }
    let mut achievements: Vec<Value> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (i, c) in input.credentials.iter().enumerate() {
        check_embedded(i, c, learner)?;
        for a in achievements_of(c) {
            let id = a
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    Error::InvalidDocument(format!(
                        "credential #{i} ({}): its achievement has no `id`, so associations cannot name it",
                        credential_label(c)
                    ))
                })?;
            if seen.insert(id.to_string()) {
                achievements.push(a.clone());
            }
        }
    }
    check_associations(&input.associations, &seen)?;

    let issuer = Profile::new(&input.issuer_did, &input.issuer_name);
    let mut subject = Map::new();
    if let Some(id) = &learner.id {
        subject.insert("id".into(), id.clone().into());
    }
    subject.insert("type".into(), json!(["ClrSubject"]));
    if let Some(email) = &learner.email {
        let identity = IdentityObject::hashed_email(email, &learner.salt);
        subject.insert("identifier".into(), json!([identity]));
    }
    subject.insert(
        "verifiableCredential".into(),
        Value::Array(input.credentials.clone()),
    );
    subject.insert("achievement".into(), Value::Array(achievements));
    if !input.associations.is_empty() {
        subject.insert(
            "association".into(),
            input
                .associations
                .iter()
                .map(Association::to_value)
                .collect(),
        );
    }
    Ok(json!({
        "@context": [VC_V2, CLR_V2P0_1, OB_V3P0_3],
        "id": input.id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": issuer,
        "name": input.name,
        "description": input.description,
        "validFrom": format_datetime(input.valid_from),
        "credentialSubject": Value::Object(subject),
    }))
}

fn has_type(v: &Value, t: &str) -> bool {
    match v.get("type") {
        Some(Value::Array(a)) => a.iter().any(|x| x == t),
        Some(Value::String(s)) => s == t,
        _ => false,
    }
}

fn credential_label(c: &Value) -> String {
    c.get("id")
        .and_then(Value::as_str)
        .unwrap_or("no id")
        .to_string()
}

/// The subjects of a credential, whether `credentialSubject` is one object or an array.
fn subjects_of(c: &Value) -> Vec<&Value> {
    match c.get("credentialSubject") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    }
}

fn achievements_of(c: &Value) -> Vec<&Value> {
    subjects_of(c)
        .into_iter()
        .filter_map(|s| s.get("achievement"))
        .filter(|a| a.is_object())
        .collect()
}

fn check_embedded(i: usize, c: &Value, learner: &Learner) -> Result<()> {
    let label = credential_label(c);
    let fail = |why: &str| {
        Err(Error::InvalidDocument(format!(
            "credential #{i} ({label}): {why}"
        )))
    };
    if !c.is_object() {
        return fail("is not a JSON object");
    }
    if !has_type(c, "OpenBadgeCredential") && !has_type(c, "AchievementCredential") {
        return fail(
            "a CLR 2.0 transcript embeds OpenBadgeCredentials (AchievementCredentials); this one is neither",
        );
    }
    // An unsigned credential inside a signed transcript would look issuer-backed while
    // only the transcript's issuer vouches for it.
    if proofs_of(c).is_empty() {
        return fail("has no `proof`; embed the signed credential, not its unsigned form");
    }
    let subjects = subjects_of(c);
    if subjects.is_empty() || achievements_of(c).len() != subjects.len() {
        return fail("every credentialSubject needs an `achievement` object");
    }
    if !subjects.iter().all(|s| is_about(s, learner)) {
        return fail(
            "its credentialSubject is not this learner (neither the subject id nor a hashed email identifier matches)",
        );
    }
    Ok(())
}

fn is_about(subject: &Value, learner: &Learner) -> bool {
    if let (Some(want), Some(got)) = (&learner.id, subject.get("id").and_then(Value::as_str))
        && want == got
    {
        return true;
    }
    let Some(email) = &learner.email else {
        return false;
    };
    let identifiers: Vec<&Value> = match subject.get("identifier") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    identifiers.into_iter().any(|v| {
        serde_json::from_value::<IdentityObject>(v.clone())
            .is_ok_and(|io| io.identity_type == "emailAddress" && io.matches(email))
    })
}

fn check_associations(
    associations: &[Association],
    achievement_ids: &HashSet<String>,
) -> Result<()> {
    let mut seen = HashSet::new();
    for a in associations {
        for (end, id) in [("sourceId", &a.source_id), ("targetId", &a.target_id)] {
            if !achievement_ids.contains(id.as_str()) {
                return Err(Error::InvalidDocument(format!(
                    "association {} {} {}: {end} `{id}` is not the id of an achievement in this transcript; embed the credential that awards it, or drop the association",
                    a.source_id,
                    a.association_type.as_str(),
                    a.target_id
                )));
            }
        }
        if a.source_id == a.target_id {
            return Err(Error::InvalidDocument(format!(
                "association {} {} itself: an achievement cannot be related to itself",
                a.source_id,
                a.association_type.as_str()
            )));
        }
        if !seen.insert(a) {
            return Err(Error::InvalidDocument(format!(
                "association {} {} {} is given twice",
                a.source_id,
                a.association_type.as_str(),
                a.target_id
            )));
        }
    }
    Ok(())
}

/// One embedded credential's own verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EmbeddedReport {
    /// Position in `credentialSubject.verifiableCredential`.
    pub index: usize,
    pub id: Option<String>,
    pub report: VerificationReport,
}

/// A CLR transcript checked whole: its own proof, each embedded credential, and its
/// CLR structure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClrReport {
    pub verified: bool,
    /// The transcript as a credential ([`verify_credential`]): syntax, proof, issuer,
    /// validity, status.
    pub clr: VerificationReport,
    pub embedded: Vec<EmbeddedReport>,
    /// CLR rules JSON-LD does not enforce (sentences; empty when all hold).
    pub structure: Vec<String>,
}

/// Verifies each embedded credential on its own with [`verify_credential`] (its proof,
/// issuer, validity window and status), in document order. The transcript's signature
/// says only that its issuer bundled these bytes; whether each credential is still
/// valid (not revoked, not expired, really signed by its issuer) is checked here.
pub fn verify_clr_embedded(clr: &Value, options: &VerifyOptions<'_>) -> Vec<EmbeddedReport> {
    let credentials = match clr
        .get("credentialSubject")
        .and_then(|s| s.get("verifiableCredential"))
    {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    credentials
        .into_iter()
        .enumerate()
        .map(|(index, c)| EmbeddedReport {
            index,
            id: c.get("id").and_then(Value::as_str).map(str::to_string),
            report: verify_credential(c, options),
        })
        .collect()
}

/// The CLR 2.0 rules a valid signature does not imply: the types, at least one
/// embedded credential, and associations that name achievements of the transcript
/// with a known `associationType`.
pub fn clr_structure(clr: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if !has_type(clr, "ClrCredential") {
        problems.push("`type` must include \"ClrCredential\"".to_string());
    }
    let Some(subject) = clr.get("credentialSubject").filter(|s| s.is_object()) else {
        problems.push("credentialSubject must be one ClrSubject object".into());
        return problems;
    };
    if !has_type(subject, "ClrSubject") {
        problems.push("credentialSubject.type must include \"ClrSubject\"".into());
    }
    let list = |name: &str| -> Vec<&Value> {
        match subject.get(name) {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(v) => vec![v],
            None => Vec::new(),
        }
    };
    let credentials = list("verifiableCredential");
    if credentials.is_empty() {
        problems.push(
            "credentialSubject.verifiableCredential must hold at least one credential".into(),
        );
    }
    let mut ids: HashSet<&str> = list("achievement")
        .into_iter()
        .filter_map(|a| a.get("id").and_then(Value::as_str))
        .collect();
    ids.extend(
        credentials
            .iter()
            .flat_map(|c| achievements_of(c))
            .filter_map(|a| a.get("id").and_then(Value::as_str)),
    );
    for (i, a) in list("association").into_iter().enumerate() {
        if !has_type(a, "Association") {
            problems.push(format!("association #{i}: `type` must be \"Association\""));
        }
        match a.get("associationType").and_then(Value::as_str) {
            Some(t) if AssociationType::parse(t).is_some() => {}
            other => problems.push(format!(
                "association #{i}: associationType {other:?} is not a CLR 2.0 AssociationType"
            )),
        }
        for end in ["sourceId", "targetId"] {
            match a.get(end).and_then(Value::as_str) {
                Some(id) if ids.contains(id) => {}
                Some(id) => problems.push(format!(
                    "association #{i}: {end} `{id}` names no achievement of this transcript"
                )),
                None => problems.push(format!("association #{i}: {end} is missing")),
            }
        }
    }
    problems
}

/// Verifies a signed `ClrCredential` whole: [`verify_credential`] on the transcript,
/// [`verify_clr_embedded`] on each embedded credential and [`clr_structure`]. Verified
/// only if all three pass.
pub fn verify_clr(clr: &Value, options: &VerifyOptions<'_>) -> ClrReport {
    let outer = verify_credential(clr, options);
    let embedded = verify_clr_embedded(clr, options);
    let structure = clr_structure(clr);
    ClrReport {
        verified: outer.verified
            && !embedded.is_empty()
            && embedded.iter().all(|e| e.report.verified)
            && structure.is_empty(),
        clr: outer,
        embedded,
        structure,
    }
}
