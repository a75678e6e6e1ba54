//! Whom a platform recognizes: its registry of accreditors and issuers (DIDs with names and
//! scopes) and what it says about a credential's issuer and endorsers.
//!
//! Recognition is information beside verification, never part of it: a forged credential
//! that names a recognized DID is still forged, so a [`TrustReport`] never says whether a
//! credential is valid and every caller shows it next to the checks, not instead of them.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::verify::{VerifyOptions, issuer_id, verify_credential};

/// What a registry entry is recognized for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Endorsing (accrediting) other organizations' modules and achievements.
    Accreditation,
    /// Issuing badges and micro-credentials.
    Achievements,
    /// Issuing CLR transcripts.
    Transcripts,
}

impl Scope {
    pub const ALL: [Scope; 3] = [
        Scope::Accreditation,
        Scope::Achievements,
        Scope::Transcripts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Accreditation => "accreditation",
            Scope::Achievements => "achievements",
            Scope::Transcripts => "transcripts",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// What someone recognized for this scope is, in a sentence.
    fn role(self) -> &'static str {
        match self {
            Scope::Accreditation => "an accreditor",
            Scope::Achievements => "an issuer of achievements",
            Scope::Transcripts => "an issuer of transcripts",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of a registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryEntry {
    pub did: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The registry as exported and imported: `{"type": "CairnTrustRegistry", "version": 1,
/// "entries": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryDocument {
    #[serde(rename = "type")]
    pub kind: String,
    pub version: u32,
    pub entries: Vec<RegistryEntry>,
}

pub const REGISTRY_TYPE: &str = "CairnTrustRegistry";
pub const REGISTRY_VERSION: u32 = 1;
pub const MAX_ENTRIES: usize = 10_000;
pub const MAX_DID_CHARS: usize = 500;
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_NOTE_CHARS: usize = 1000;
/// Embedded endorsements reported (and verified) per credential, so that a document full
/// of them cannot make a verifier do unbounded work.
pub const MAX_ENDORSEMENTS: usize = 50;

impl RegistryDocument {
    pub fn new(entries: Vec<RegistryEntry>) -> Self {
        Self {
            kind: REGISTRY_TYPE.into(),
            version: REGISTRY_VERSION,
            entries,
        }
    }
}

/// Whether `did` is a DID a registry can hold: `did:key:z…` or a `did:web:` whose host and
/// path are well formed. The error says what is wrong.
pub fn check_did(did: &str) -> Result<(), String> {
    if did.chars().count() > MAX_DID_CHARS {
        return Err(format!("is longer than {MAX_DID_CHARS} characters"));
    }
    if did.contains('#') || did.contains('?') {
        return Err(
            "must be a DID without a fragment or query (did:key:z… or did:web:host:path)".into(),
        );
    }
    if let Some(mb) = did.strip_prefix("did:key:") {
        let Some(b58) = mb.strip_prefix('z') else {
            return Err("a did:key must continue with a base58btc key starting with 'z'".into());
        };
        if b58.len() < 2 || bs58::decode(b58).into_vec().is_err() {
            return Err("the did:key's key is not base58btc".into());
        }
        return Ok(());
    }
    if did.starts_with("did:web:") {
        return crate::did::did_web_to_url(did)
            .map(|_| ())
            .map_err(|e| e.to_string());
    }
    Err("must be a did:key:z… or did:web:… identifier".into())
}

/// A problem of a registry document: which entry (none: the document itself), which
/// field, and what to fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegistryProblem {
    pub entry: Option<usize>,
    pub field: String,
    pub message: String,
}

impl RegistryProblem {
    /// Where the problem is, as a JSON path such as `entries[2].did`.
    pub fn path(&self) -> String {
        match self.entry {
            Some(i) if self.field.is_empty() => format!("entries[{i}]"),
            Some(i) => format!("entries[{i}].{}", self.field),
            None => self.field.clone(),
        }
    }
}

impl fmt::Display for RegistryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path(), self.message)
    }
}

/// One entry checked on its own: the DID's syntax, a name, known scopes, the note's size.
/// Names and notes come back trimmed, scopes sorted without repeats.
pub fn check_entry(index: Option<usize>, e: &Value) -> Result<RegistryEntry, Vec<RegistryProblem>> {
    let mut problems = Vec::new();
    let mut problem = |field: &str, message: String| {
        problems.push(RegistryProblem {
            entry: index,
            field: field.into(),
            message,
        })
    };
    let Some(obj) = e.as_object() else {
        problem("", "must be an object with did, name and scopes".into());
        return Err(problems);
    };
    for key in obj.keys() {
        if !matches!(key.as_str(), "did" | "name" | "scopes" | "note") {
            problem(
                key,
                "is not a registry field (did, name, scopes, note)".into(),
            );
        }
    }
    let did = match obj.get("did") {
        Some(Value::String(d)) => {
            let d = d.trim();
            if let Err(m) = check_did(d) {
                problem("did", m);
            }
            d.to_owned()
        }
        Some(_) => {
            problem("did", "must be a string".into());
            String::new()
        }
        None => {
            problem("did", "is missing".into());
            String::new()
        }
    };
    let name = match obj.get("name") {
        Some(Value::String(n)) => {
            let n = n.trim();
            if n.is_empty() {
                problem("name", "must not be empty".into());
            } else if n.chars().count() > MAX_NAME_CHARS {
                problem(
                    "name",
                    format!("is longer than {MAX_NAME_CHARS} characters"),
                );
            } else if n.chars().any(char::is_control) {
                problem("name", "must not contain control characters".into());
            }
            n.to_owned()
        }
        Some(_) => {
            problem("name", "must be a string".into());
            String::new()
        }
        None => {
            problem("name", "is missing".into());
            String::new()
        }
    };
    let mut scopes = Vec::new();
    match obj.get("scopes") {
        Some(Value::Array(a)) if !a.is_empty() => {
            for (i, s) in a.iter().enumerate() {
                match s.as_str().and_then(Scope::parse) {
                    Some(s) => scopes.push(s),
                    None => problem(
                        &format!("scopes[{i}]"),
                        format!(
                            "{s} is not a scope; use accreditation, achievements or transcripts"
                        ),
                    ),
                }
            }
        }
        Some(Value::Array(_)) => problem(
            "scopes",
            "must name at least one of accreditation, achievements, transcripts".into(),
        ),
        Some(_) => problem("scopes", "must be an array of scope names".into()),
        None => problem("scopes", "is missing".into()),
    }
    scopes.sort();
    scopes.dedup();
    let note = match obj.get("note") {
        None | Some(Value::Null) => None,
        Some(Value::String(n)) if n.trim().is_empty() => None,
        Some(Value::String(n)) => {
            if n.chars().count() > MAX_NOTE_CHARS {
                problem(
                    "note",
                    format!("is longer than {MAX_NOTE_CHARS} characters"),
                );
            }
            Some(n.trim().to_owned())
        }
        Some(_) => {
            problem("note", "must be a string".into());
            None
        }
    };
    if problems.is_empty() {
        Ok(RegistryEntry {
            did,
            name,
            scopes,
            note,
        })
    } else {
        Err(problems)
    }
}

/// Read a whole registry document, reporting every problem (each with its entry's index):
/// its type and version, each entry, repeated DIDs and the number of entries.
pub fn parse_registry(doc: &Value) -> Result<Vec<RegistryEntry>, Vec<RegistryProblem>> {
    let mut problems = Vec::new();
    let top = |field: &str, message: String| RegistryProblem {
        entry: None,
        field: field.into(),
        message,
    };
    let Some(obj) = doc.as_object() else {
        return Err(vec![top(
            "",
            format!(
                "a registry is one JSON object: {{\"type\": \"{REGISTRY_TYPE}\", \"version\": 1, \"entries\": [...]}}"
            ),
        )]);
    };
    if obj.get("type").and_then(Value::as_str) != Some(REGISTRY_TYPE) {
        problems.push(top("type", format!("must be \"{REGISTRY_TYPE}\"")));
    }
    if obj.get("version").and_then(Value::as_u64) != Some(u64::from(REGISTRY_VERSION)) {
        problems.push(top(
            "version",
            format!("must be {REGISTRY_VERSION}, the only version there is"),
        ));
    }
    let Some(list) = obj.get("entries").and_then(Value::as_array) else {
        problems.push(top("entries", "must be an array of entries".into()));
        return Err(problems);
    };
    if list.len() > MAX_ENTRIES {
        problems.push(top(
            "entries",
            format!(
                "has {} entries; a registry holds at most {MAX_ENTRIES}",
                list.len()
            ),
        ));
        return Err(problems);
    }
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut entries = Vec::with_capacity(list.len());
    for (i, e) in list.iter().enumerate() {
        match check_entry(Some(i), e) {
            Ok(entry) => {
                if let Some(first) = seen.get(&entry.did) {
                    problems.push(RegistryProblem {
                        entry: Some(i),
                        field: "did".into(),
                        message: format!(
                            "{} is already listed at entries[{first}]; list each DID once",
                            entry.did
                        ),
                    });
                } else {
                    seen.insert(entry.did.clone(), i);
                }
                entries.push(entry);
            }
            Err(p) => problems.extend(p),
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    match v.get("type") {
        Some(Value::Array(a)) => a.iter().any(|x| x == t),
        Some(Value::String(s)) => s == t,
        _ => false,
    }
}

/// The scope an issuer needs to be recognized for this credential: endorsements need
/// accreditation, CLR transcripts need transcripts, anything else (Open Badges) needs
/// achievements.
pub fn scope_needed(credential: &Value) -> Scope {
    if has_type(credential, "EndorsementCredential") {
        Scope::Accreditation
    } else if has_type(credential, "ClrCredential") {
        Scope::Transcripts
    } else {
        Scope::Achievements
    }
}

/// An endorsement embedded in a credential, and what it is attached to.
#[derive(Clone, Copy, Debug)]
pub struct Embedded<'a> {
    /// "credential", "achievement" or "issuer profile".
    pub on: &'static str,
    pub endorsement: &'a Value,
}

/// The OB 3.0 `endorsement` arrays of a credential: on the credential itself, on its
/// achievement(s) and on the issuer's profile, in that order (the first
/// [`MAX_ENDORSEMENTS`]).
pub fn embedded_endorsements(credential: &Value) -> Vec<Embedded<'_>> {
    fn take<'a>(out: &mut Vec<Embedded<'a>>, on: &'static str, holder: Option<&'a Value>) {
        if let Some(Value::Array(a)) = holder.and_then(|h| h.get("endorsement")) {
            out.extend(
                a.iter()
                    .filter(|e| e.is_object())
                    .map(|e| Embedded { on, endorsement: e }),
            );
        }
    }
    let mut out = Vec::new();
    take(&mut out, "credential", Some(credential));
    let subjects: Vec<&Value> = match credential.get("credentialSubject") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => vec![],
    };
    for s in subjects {
        take(&mut out, "achievement", s.get("achievement"));
    }
    take(&mut out, "issuer profile", credential.get("issuer"));
    out.truncate(MAX_ENDORSEMENTS);
    out
}

/// Whether a DID is in the registry, and for the scope needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recognition {
    Recognized,
    OtherScope,
    Unknown,
}

/// Who a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Issuer,
    Endorser,
}

/// What the registry says about one DID a credential names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub party: Party,
    pub did: String,
    /// The name the registry gives it (not the name the credential claims).
    pub name: Option<String>,
    /// The scopes the registry lists it for.
    pub scopes: Vec<Scope>,
    pub scope_needed: Scope,
    pub status: Recognition,
    /// For people, e.g. "Recognized by this platform as an accreditor (accreditation)".
    pub message: String,
    /// Where an endorser was found: "embedded in the achievement", "endorsement held by
    /// this server", …; for the issuer, "the credential's issuer".
    pub source: String,
    /// The endorsement's id or URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endorsement: Option<String>,
    /// Whether the endorsement's own signature verified (endorsers only; the issuer's
    /// signature is the verification's proof check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_verified: Option<bool>,
}

/// The registry's view of a credential's issuer and endorsers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrustReport {
    /// None when the credential names no issuer.
    pub issuer: Option<Finding>,
    pub endorsers: Vec<Finding>,
    /// What this report is and is not, in a sentence.
    pub summary: String,
}

const SUMMARY: &str = "Whom this platform's registry recognizes. This is information beside verification, not part of it: a credential is valid only when every check passes.";

impl TrustReport {
    /// Say plainly, when the credential failed verification, that a recognized name in it
    /// proves nothing.
    pub fn qualify(&mut self, verified: bool) {
        self.summary = if verified {
            SUMMARY.into()
        } else if self
            .issuer
            .as_ref()
            .is_some_and(|f| f.status != Recognition::Unknown)
        {
            "This credential FAILED verification. It names an issuer this platform's registry lists, but it was not shown to come from them unaltered: do not rely on it.".into()
        } else {
            "This credential FAILED verification; whom the registry recognizes does not change that.".into()
        };
    }
}

/// What the registry says about `did` when it needs `scope_needed`.
pub fn finding(
    party: Party,
    did: &str,
    registry: &[RegistryEntry],
    scope_needed: Scope,
    source: impl Into<String>,
) -> Finding {
    let entry = registry.iter().find(|e| e.did == did);
    let (status, message) = match entry {
        Some(e) if e.scopes.contains(&scope_needed) => (
            Recognition::Recognized,
            format!(
                "Recognized by this platform as {} ({scope_needed})",
                scope_needed.role()
            ),
        ),
        Some(e) => (
            Recognition::OtherScope,
            format!(
                "Listed in this platform's registry, but for {}, not {scope_needed}",
                e.scopes
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        ),
        None => (
            Recognition::Unknown,
            "Not in this platform's registry".to_owned(),
        ),
    };
    Finding {
        party,
        did: did.to_owned(),
        name: entry.map(|e| e.name.clone()),
        scopes: entry.map(|e| e.scopes.clone()).unwrap_or_default(),
        scope_needed,
        status,
        message,
        source: source.into(),
        endorsement: None,
        signature_verified: None,
    }
}

/// An endorser's finding: accreditation is the scope an endorser needs, and an endorsement
/// whose signature did not verify is said to prove nothing.
pub fn endorser_finding(
    endorsement: &Value,
    registry: &[RegistryEntry],
    source: impl Into<String>,
    verified: bool,
) -> Finding {
    let did = issuer_id(endorsement).unwrap_or_default();
    let mut f = finding(Party::Endorser, did, registry, Scope::Accreditation, source);
    if did.is_empty() {
        f.message = "This endorsement names no issuer".into();
    }
    if !verified {
        f.message.push_str(
            "; but this endorsement's signature did NOT verify, so it does not show that they endorsed anything",
        );
    }
    f.endorsement = endorsement
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    f.signature_verified = Some(verified);
    f
}

/// The registry's view of a credential, its embedded endorsements verified with
/// `options` (the same verifier as the credential).
pub fn assess(
    credential: &Value,
    registry: &[RegistryEntry],
    options: &VerifyOptions<'_>,
) -> TrustReport {
    let verified: Vec<bool> = embedded_endorsements(credential)
        .iter()
        .map(|e| verify_credential(e.endorsement, options).verified)
        .collect();
    assess_verified(credential, registry, &verified)
}

/// As [`assess`], with the embedded endorsements already verified (`verified[i]` for the
/// i-th of [`embedded_endorsements`]; missing ones count as not verified).
pub fn assess_verified(
    credential: &Value,
    registry: &[RegistryEntry],
    verified: &[bool],
) -> TrustReport {
    let issuer = issuer_id(credential).map(|did| {
        finding(
            Party::Issuer,
            did,
            registry,
            scope_needed(credential),
            "the credential's issuer",
        )
    });
    let mut seen = HashSet::new();
    let endorsers = embedded_endorsements(credential)
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            // The very same endorsement embedded twice is reported once; a different
            // document reusing an id is reported on its own.
            seen.insert(e.endorsement.to_string())
        })
        .map(|(i, e)| {
            endorser_finding(
                e.endorsement,
                registry,
                format!("embedded in the {}", e.on),
                verified.get(i).copied().unwrap_or(false),
            )
        })
        .collect();
    TrustReport {
        issuer,
        endorsers,
        summary: SUMMARY.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::did::NoFetcher;
    use crate::keys::KeyPair;
    use crate::ob3::{EndorsementCredential, Profile};
    use serde_json::json;
    use time::macros::datetime;

    fn entry(did: &str, name: &str, scopes: &[Scope]) -> RegistryEntry {
        RegistryEntry {
            did: did.into(),
            name: name.into(),
            scopes: scopes.to_vec(),
            note: None,
        }
    }

    fn badge(issuer: &str) -> Value {
        json!({
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": issuer, "type": ["Profile"], "name": "Claimed name"},
            "credentialSubject": {"achievement": {"id": "https://a.example/achievements/1"}}
        })
    }

    fn signed_endorsement(key: &KeyPair, subject: &str) -> Value {
        let e = EndorsementCredential::new(
            "urn:uuid:00000000-0000-4000-8000-0000000000e1",
            "Accredited",
            Profile::new(key.did_key(), "Council"),
            subject,
            None,
            datetime!(2025-01-01 00:00 UTC),
        );
        crate::di::sign_credential(
            &e.to_value(),
            key,
            &key.did_key_verification_method(),
            datetime!(2025-01-01 00:00 UTC),
        )
        .unwrap()
    }

    #[test]
    fn scopes_use_snake_case_names() {
        assert_eq!(
            serde_json::to_value(Scope::ALL).unwrap(),
            json!(["accreditation", "achievements", "transcripts"])
        );
        assert_eq!(Scope::parse("transcripts"), Some(Scope::Transcripts));
        assert_eq!(Scope::parse("Transcripts"), None);
    }

    #[test]
    fn the_scope_needed_follows_the_credential_type() {
        let t = |types: Value| scope_needed(&json!({ "type": types }));
        assert_eq!(
            t(json!(["VerifiableCredential", "EndorsementCredential"])),
            Scope::Accreditation
        );
        assert_eq!(
            t(json!(["VerifiableCredential", "ClrCredential"])),
            Scope::Transcripts
        );
        assert_eq!(
            t(json!(["VerifiableCredential", "OpenBadgeCredential"])),
            Scope::Achievements
        );
        assert_eq!(
            t(json!(["VerifiableCredential", "AchievementCredential"])),
            Scope::Achievements
        );
    }

    #[test]
    fn issuer_is_recognized_other_scope_or_unknown() {
        let reg = vec![
            entry("did:web:a.example", "Academy", &[Scope::Achievements]),
            entry("did:web:c.example", "Council", &[Scope::Accreditation]),
        ];
        let r = assess_verified(&badge("did:web:a.example"), &reg, &[]);
        let f = r.issuer.unwrap();
        assert_eq!(f.status, Recognition::Recognized);
        assert_eq!(f.name.as_deref(), Some("Academy"));
        assert_eq!(
            f.message,
            "Recognized by this platform as an issuer of achievements (achievements)"
        );

        let f = assess_verified(&badge("did:web:c.example"), &reg, &[])
            .issuer
            .unwrap();
        assert_eq!(f.status, Recognition::OtherScope);
        assert_eq!(f.scopes, vec![Scope::Accreditation]);
        assert_eq!(
            f.message,
            "Listed in this platform's registry, but for accreditation, not achievements"
        );

        let f = assess_verified(&badge("did:web:x.example"), &reg, &[])
            .issuer
            .unwrap();
        assert_eq!(f.status, Recognition::Unknown);
        assert_eq!(
            f.name, None,
            "the credential's own claim is not a registry name"
        );
        assert_eq!(f.message, "Not in this platform's registry");
    }

    #[test]
    fn endorsements_are_found_on_credential_achievement_and_profile() {
        let mut c = badge("did:web:a.example");
        c["endorsement"] = json!([{"id": "urn:e:1", "issuer": "did:web:c1.example"}]);
        c["credentialSubject"]["achievement"]["endorsement"] =
            json!([{"id": "urn:e:2", "issuer": {"id": "did:web:c2.example"}}]);
        c["issuer"]["endorsement"] = json!([{"id": "urn:e:3", "issuer": "did:web:c3.example"}]);
        let found: Vec<_> = embedded_endorsements(&c)
            .iter()
            .map(|e| (e.on, issuer_id(e.endorsement).unwrap().to_owned()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("credential", "did:web:c1.example".to_owned()),
                ("achievement", "did:web:c2.example".to_owned()),
                ("issuer profile", "did:web:c3.example".to_owned()),
            ]
        );
        let reg = vec![entry(
            "did:web:c2.example",
            "Council",
            &[Scope::Accreditation],
        )];
        let r = assess_verified(&c, &reg, &[false, true, false]);
        assert_eq!(r.endorsers.len(), 3);
        assert_eq!(r.endorsers[1].status, Recognition::Recognized);
        assert_eq!(r.endorsers[1].scope_needed, Scope::Accreditation);
        assert_eq!(r.endorsers[1].signature_verified, Some(true));
        assert_eq!(r.endorsers[1].source, "embedded in the achievement");
        assert_eq!(r.endorsers[0].status, Recognition::Unknown);
        assert!(r.endorsers[0].message.contains("did NOT verify"));
    }

    #[test]
    fn embedded_endorsements_are_verified_with_the_same_verifier() {
        let council = KeyPair::from_seed(&[3; 32]);
        let good = signed_endorsement(&council, "https://a.example/achievements/1");
        let mut forged = good.clone();
        forged["credentialSubject"]["id"] = json!("https://a.example/achievements/2");
        let mut c = badge("did:web:a.example");
        c["credentialSubject"]["achievement"]["endorsement"] = json!([good]);
        c["endorsement"] = json!([forged]);
        let reg = vec![entry(
            &council.did_key(),
            "Council",
            &[Scope::Accreditation],
        )];
        let opts = VerifyOptions::new(datetime!(2026-01-01 00:00 UTC), &NoFetcher);
        let r = assess(&c, &reg, &opts);
        let by_source = |s: &str| r.endorsers.iter().find(|f| f.source.ends_with(s)).unwrap();
        let on_achievement = by_source("achievement");
        assert_eq!(on_achievement.signature_verified, Some(true));
        assert_eq!(on_achievement.status, Recognition::Recognized);
        let on_credential = by_source("credential");
        assert_eq!(on_credential.signature_verified, Some(false));
        assert_eq!(on_credential.status, Recognition::Recognized);
        assert!(on_credential.message.contains("did NOT verify"));
    }

    #[test]
    fn a_failed_verification_is_said_plainly() {
        let reg = vec![entry(
            "did:web:a.example",
            "Academy",
            &[Scope::Achievements],
        )];
        let mut r = assess_verified(&badge("did:web:a.example"), &reg, &[]);
        r.qualify(true);
        assert!(r.summary.starts_with("Whom this platform"));
        r.qualify(false);
        assert!(r.summary.contains("FAILED verification"), "{}", r.summary);
        assert!(r.summary.contains("do not rely on it"), "{}", r.summary);
    }

    #[test]
    fn dids_are_checked() {
        let key = KeyPair::from_seed(&[1; 32]).did_key();
        assert_eq!(check_did(&key), Ok(()));
        assert_eq!(check_did("did:web:example.org:orgs:acme"), Ok(()));
        assert_eq!(check_did("did:web:127.0.0.1%3A8080:orgs:a"), Ok(()));
        for bad in [
            "",
            "did:key:abc",
            "did:key:z0OIl",
            "did:web:",
            "did:web:exa mple.org",
            "did:example:123",
            "did:web:example.org#key-1",
            "https://example.org",
        ] {
            assert!(check_did(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn a_registry_document_reports_every_problem_with_its_index() {
        let key = KeyPair::from_seed(&[1; 32]).did_key();
        let doc = json!({
            "type": "CairnTrustRegistry",
            "version": 1,
            "entries": [
                {"did": key, "name": "Council", "scopes": ["accreditation"]},
                {"did": "did:nope", "name": "", "scopes": ["everything"]},
                {"did": key, "name": "Again", "scopes": ["achievements"]},
                {"name": "No DID", "scopes": [], "colour": "blue"}
            ]
        });
        let problems = parse_registry(&doc).unwrap_err();
        let paths: Vec<String> = problems.iter().map(RegistryProblem::path).collect();
        assert_eq!(
            paths,
            vec![
                "entries[1].did",
                "entries[1].name",
                "entries[1].scopes[0]",
                "entries[2].did",
                "entries[3].colour",
                "entries[3].did",
                "entries[3].scopes",
            ]
        );
        assert!(
            problems[3].message.contains("entries[0]"),
            "{}",
            problems[3]
        );

        let wrong = json!({"type": "Other", "version": 2, "entries": []});
        let paths: Vec<String> = parse_registry(&wrong)
            .unwrap_err()
            .iter()
            .map(RegistryProblem::path)
            .collect();
        assert_eq!(paths, vec!["type", "version"]);
    }

    #[test]
    fn a_registry_document_round_trips() {
        let key = KeyPair::from_seed(&[1; 32]).did_key();
        let doc = RegistryDocument::new(vec![RegistryEntry {
            did: key,
            name: "Council".into(),
            scopes: vec![Scope::Accreditation, Scope::Achievements],
            note: Some("Since 2025".into()),
        }]);
        let v = serde_json::to_value(&doc).unwrap();
        assert_eq!(v["type"], "CairnTrustRegistry");
        assert_eq!(parse_registry(&v).unwrap(), doc.entries);
    }
}
