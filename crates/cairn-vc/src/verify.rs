//! Full verification of a credential, reported check by check with a sentence for
//! each failure. Never panics and never returns early with a bare error: hostile input
//! becomes a report that says why it is invalid.

use crate::contexts::{OB_V3P0, OB_V3P0_1, OB_V3P0_2, OB_V3P0_3, VC_V2};
use crate::di::{self, VerifiedProof, parse_datetime};
use crate::did::{DocumentFetcher, NoFetcher};
use crate::error::Error;
use crate::jsonld::{Limits, check_value, parse_json};
use crate::status::{StatusEntry, read_status};
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

/// What the verifier may use besides the credential.
#[derive(Clone, Copy)]
pub struct VerifyOptions<'a> {
    /// The instant the validity window is checked against.
    pub now: OffsetDateTime,
    /// Where did:web documents, controller documents and status lists come from.
    pub fetcher: &'a dyn DocumentFetcher,
    pub limits: Limits,
}

impl<'a> VerifyOptions<'a> {
    pub fn new(now: OffsetDateTime, fetcher: &'a dyn DocumentFetcher) -> Self {
        Self {
            now,
            fetcher,
            limits: Limits::default(),
        }
    }
}

impl Default for VerifyOptions<'static> {
    fn default() -> Self {
        Self::new(OffsetDateTime::now_utc(), &NoFetcher)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Passed,
    Failed,
    Skipped,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: CheckStatus,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerificationReport {
    pub verified: bool,
    pub checks: Vec<Check>,
}

impl VerificationReport {
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// The failure sentences, in check order.
    pub fn errors(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.status == CheckStatus::Failed)
            .map(|c| format!("{}: {}", c.name, c.message))
            .collect()
    }

    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Names of the checks, in the order they appear in reports.
pub mod checks {
    pub const SYNTAX: &str = "syntax";
    pub const PROOF: &str = "proof";
    pub const ISSUER: &str = "issuer";
    pub const VALIDITY: &str = "validity";
    pub const STATUS: &str = "status";
    pub const OB3: &str = "ob3";
}

struct Builder {
    checks: Vec<Check>,
}

impl Builder {
    fn push(&mut self, name: &'static str, status: CheckStatus, message: impl Into<String>) {
        self.checks.push(Check {
            name,
            status,
            message: message.into(),
        });
    }
    fn pass(&mut self, name: &'static str, m: impl Into<String>) {
        self.push(name, CheckStatus::Passed, m);
    }
    fn fail(&mut self, name: &'static str, m: impl Into<String>) {
        self.push(name, CheckStatus::Failed, m);
    }
    fn skip(&mut self, name: &'static str, m: impl Into<String>) {
        self.push(name, CheckStatus::Skipped, m);
    }
    fn skip_rest(&mut self, from: usize, why: &str) {
        let all = [
            checks::SYNTAX,
            checks::PROOF,
            checks::ISSUER,
            checks::VALIDITY,
            checks::STATUS,
            checks::OB3,
        ];
        for name in &all[from..] {
            self.skip(name, why);
        }
    }
    fn finish(self) -> VerificationReport {
        VerificationReport {
            verified: self.checks.iter().all(|c| c.status != CheckStatus::Failed),
            checks: self.checks,
        }
    }
}

/// Verifies a credential given as JSON text (size and depth are checked before parsing).
pub fn verify_credential_str(text: &str, options: &VerifyOptions<'_>) -> VerificationReport {
    match parse_json(text, &options.limits) {
        Ok(v) => verify_credential(&v, options),
        Err(e) => {
            let mut b = Builder { checks: Vec::new() };
            b.fail(checks::SYNTAX, e.to_string());
            b.skip_rest(1, "not checked: the input is not a usable JSON document");
            b.finish()
        }
    }
}

/// The issuer's id, whether `issuer` is a string or an object.
pub fn issuer_id(credential: &Value) -> Option<&str> {
    match credential.get("issuer")? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id")?.as_str(),
        _ => None,
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    match v.get("type") {
        Some(Value::Array(a)) => a.iter().any(|x| x == t),
        Some(Value::String(s)) => s == t,
        _ => false,
    }
}

fn syntax(credential: &Value, limits: &Limits) -> Result<(), String> {
    check_value(credential, limits).map_err(|e| e.to_string())?;
    let Value::Object(map) = credential else {
        return Err("a credential must be a JSON object".into());
    };
    let contexts: Vec<&Value> = match map.get("@context") {
        None => return Err("there is no @context; a VC 2.0 credential starts with \"@context\": [\"https://www.w3.org/ns/credentials/v2\", …]".into()),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
    };
    if contexts.first().and_then(|c| c.as_str()) != Some(VC_V2) {
        return Err(format!(
            "the first @context must be {VC_V2} (found {}); the order of contexts matters",
            contexts
                .first()
                .map_or("nothing".to_string(), |c| c.to_string())
        ));
    }
    for c in &contexts {
        if let Some(url) = c.as_str()
            && crate::contexts::bundled_context(url).is_none()
        {
            return Err(Error::UnknownContext(url.to_string()).to_string());
        }
    }
    if !has_type(credential, "VerifiableCredential") {
        return Err("`type` must include \"VerifiableCredential\"".into());
    }
    if issuer_id(credential).is_none() {
        return Err(
            "there is no issuer: `issuer` must be a URL/DID or an object with an `id`".into(),
        );
    }
    match map.get("credentialSubject") {
        Some(Value::Object(_)) => {}
        Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_object) => {}
        _ => {
            return Err(
                "`credentialSubject` must be an object (or a non-empty array of objects)".into(),
            );
        }
    }
    Ok(())
}

fn is_document_error(e: &Error) -> bool {
    matches!(
        e,
        Error::UnknownContext(_)
            | Error::UndefinedTerm(_)
            | Error::RelativeIri(_)
            | Error::JsonLd(_)
            | Error::TooLarge { .. }
            | Error::TooDeep { .. }
            | Error::TooManyBlankNodes { .. }
            | Error::TooManyQuads { .. }
            | Error::InvalidDocument(_)
    )
}

/// Verifies a credential: syntax and contexts, proof, issuer = key controller, validity
/// window, status, and the Open Badges 3.0 shape.
pub fn verify_credential(credential: &Value, options: &VerifyOptions<'_>) -> VerificationReport {
    let mut b = Builder { checks: Vec::new() };
    if let Err(m) = syntax(credential, &options.limits) {
        b.fail(checks::SYNTAX, m);
        b.skip_rest(
            1,
            "not checked: the document is not a well-formed VC 2.0 credential",
        );
        return b.finish();
    }
    // Syntax passes only once the document has also been expanded (in the proof step).
    // `syntax` has checked the document's size and depth against these limits.
    let proofs = match di::verify_proof_prechecked(credential, options.fetcher, &options.limits) {
        Ok(p) => {
            b.pass(
                checks::SYNTAX,
                "well-formed VC 2.0 JSON-LD; every context is bundled and every term defined",
            );
            let methods: Vec<&str> = p.iter().map(|v| v.method.id.as_str()).collect();
            b.pass(
                checks::PROOF,
                format!("eddsa-rdfc-2022 signature valid ({})", methods.join(", ")),
            );
            Some(p)
        }
        Err(e) if is_document_error(&e) => {
            b.fail(checks::SYNTAX, e.to_string());
            b.skip(
                checks::PROOF,
                "not checked: the document cannot be canonicalized",
            );
            None
        }
        Err(e) => {
            b.pass(checks::SYNTAX, "well-formed VC 2.0 credential");
            b.fail(checks::PROOF, e.to_string());
            None
        }
    };
    issuer_check(&mut b, credential, proofs.as_deref());
    validity_check(&mut b, credential, options.now);
    status_check(&mut b, credential, options);
    ob3_check(&mut b, credential);
    b.finish()
}

/// Verifies a credential secured as a compact JWS (`vc+jwt`, VC-JOSE-COSE), reporting the
/// same checks as [`verify_credential`]: syntax (the payload is a well-formed VC 2.0
/// credential whose terms all expand), proof (the EdDSA signature, `kid` resolved like a
/// Data Integrity verification method), issuer = key controller, validity window (and
/// the JWT `nbf`/`exp` claims when present), status, and the Open Badges 3.0 shape.
pub fn verify_jwt_credential(jwt: &str, options: &VerifyOptions<'_>) -> VerificationReport {
    let mut b = Builder { checks: Vec::new() };
    let decoded = match crate::jwt::decode_jwt(jwt, &options.limits) {
        Ok(d) => d,
        Err(e) => {
            b.fail(checks::SYNTAX, e.to_string());
            b.skip_rest(1, "not checked: the input is not a usable vc+jwt");
            return b.finish();
        }
    };
    let credential = &decoded.credential;
    if let Err(m) = syntax(credential, &options.limits) {
        b.fail(checks::SYNTAX, m);
        b.skip_rest(
            1,
            "not checked: the payload is not a well-formed VC 2.0 credential",
        );
        return b.finish();
    }
    // As for Data Integrity: a term no context defines is an error, even though the
    // signature here covers the bytes rather than the RDF.
    match crate::jsonld::canonicalize_with(credential, &options.limits) {
        Ok(_) => b.pass(
            checks::SYNTAX,
            "well-formed VC 2.0 JSON-LD; every context is bundled and every term defined",
        ),
        Err(e) => b.fail(checks::SYNTAX, e.to_string()),
    }
    let proofs = match decoded.verify_signature(options.fetcher) {
        Ok(method) => {
            b.pass(
                checks::PROOF,
                format!("vc+jwt EdDSA signature valid ({})", method.id),
            );
            Some(vec![VerifiedProof {
                method,
                created: None,
            }])
        }
        Err(e) => {
            b.fail(checks::PROOF, e.to_string());
            None
        }
    };
    issuer_check(&mut b, credential, proofs.as_deref());
    match jwt_time_claims(credential, options.now) {
        Ok(()) => validity_check(&mut b, credential, options.now),
        Err(m) => b.fail(checks::VALIDITY, m),
    }
    status_check(&mut b, credential, options);
    ob3_check(&mut b, credential);
    b.finish()
}

/// Verifies whatever [`crate::bake::extract_any`] read: a JSON credential with a Data
/// Integrity proof, or a vc+jwt.
pub fn verify_input(
    input: &crate::bake::CredentialInput,
    options: &VerifyOptions<'_>,
) -> VerificationReport {
    match input {
        crate::bake::CredentialInput::Json(v) => verify_credential(v, options),
        crate::bake::CredentialInput::Jwt(t) => verify_jwt_credential(t, options),
    }
}

/// The JWT registered claims `nbf` and `exp` (NumericDate), when a vc+jwt carries them.
fn jwt_time_claims(payload: &Value, now: OffsetDateTime) -> Result<(), String> {
    let claim = |name: &str| -> Result<Option<OffsetDateTime>, String> {
        match payload.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .and_then(|n| OffsetDateTime::from_unix_timestamp(n).ok())
                .map(Some)
                .ok_or_else(|| {
                    format!("the JWT claim `{name}` must be a NumericDate (seconds since 1970)")
                }),
        }
    };
    let fmt = |t: OffsetDateTime| di::format_datetime(t);
    if let Some(nbf) = claim("nbf")?
        && now < nbf
    {
        return Err(format!(
            "not yet valid: the JWT's nbf is {}, now is {}",
            fmt(nbf),
            fmt(now)
        ));
    }
    if let Some(exp) = claim("exp")?
        && now > exp
    {
        return Err(format!(
            "expired: the JWT's exp is {}, now is {}",
            fmt(exp),
            fmt(now)
        ));
    }
    Ok(())
}

fn issuer_check(b: &mut Builder, credential: &Value, proofs: Option<&[VerifiedProof]>) {
    let Some(proofs) = proofs else {
        b.skip(checks::ISSUER, "not checked: no valid proof");
        return;
    };
    let issuer = issuer_id(credential).unwrap_or("");
    match proofs.iter().find(|p| p.method.controller != issuer) {
        None => b.pass(
            checks::ISSUER,
            format!("the issuer {issuer} controls the signing key"),
        ),
        Some(p) => b.fail(
            checks::ISSUER,
            format!(
                "the issuer is {issuer}, but the signing key {} belongs to {}; a credential must be signed by its issuer",
                p.method.id, p.method.controller
            ),
        ),
    }
}

fn validity_check(b: &mut Builder, credential: &Value, now: OffsetDateTime) {
    let date = |name: &str| -> Result<Option<OffsetDateTime>, String> {
        match credential.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => parse_datetime(s).map(Some).map_err(|_| {
                format!(
                    "{name} `{s}` is not a date-time with a timezone such as 2025-01-01T00:00:00Z"
                )
            }),
            Some(_) => Err(format!("{name} must be a date-time string")),
        }
    };
    let (from, until) = match (date("validFrom"), date("validUntil")) {
        (Ok(f), Ok(u)) => (f, u),
        (Err(m), _) | (_, Err(m)) => {
            b.fail(checks::VALIDITY, m);
            return;
        }
    };
    let fmt = |t: OffsetDateTime| di::format_datetime(t);
    if let Some(f) = from
        && now < f
    {
        b.fail(
            checks::VALIDITY,
            format!("not yet valid: valid from {}, now is {}", fmt(f), fmt(now)),
        );
        return;
    }
    if let Some(u) = until
        && now > u
    {
        b.fail(
            checks::VALIDITY,
            format!("expired: valid until {}, now is {}", fmt(u), fmt(now)),
        );
        return;
    }
    b.pass(
        checks::VALIDITY,
        match (from, until) {
            (None, None) => "no validity window".to_string(),
            (Some(f), None) => format!("valid from {}", fmt(f)),
            (None, Some(u)) => format!("valid until {}", fmt(u)),
            (Some(f), Some(u)) => format!("valid from {} until {}", fmt(f), fmt(u)),
        },
    );
}

fn status_check(b: &mut Builder, credential: &Value, options: &VerifyOptions<'_>) {
    let entries: Vec<&Value> = match credential.get("credentialStatus") {
        None | Some(Value::Null) => {
            b.skip(checks::STATUS, "the credential has no credentialStatus");
            return;
        }
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
    };
    let (bsl, other): (Vec<&Value>, Vec<&Value>) = entries
        .into_iter()
        .partition(|e| e.get("type").and_then(Value::as_str) == Some("BitstringStatusListEntry"));
    if bsl.is_empty() {
        let kinds: Vec<String> = other
            .iter()
            .map(|e| e.get("type").map(|t| t.to_string()).unwrap_or_default())
            .collect();
        b.skip(
            checks::STATUS,
            format!(
                "status type {} is not supported; NOT checked",
                kinds.join(", ")
            ),
        );
        return;
    }
    let issuer = issuer_id(credential).unwrap_or("");
    let mut notes = Vec::new();
    for e in bsl {
        match check_entry(e, issuer, options) {
            Ok((entry, false)) => {
                notes.push(format!("{} bit {} is clear", entry.purpose, entry.index))
            }
            Ok((entry, true)) => {
                let what = match entry.purpose.as_str() {
                    "revocation" => "the credential has been revoked".to_string(),
                    "suspension" => "the credential is suspended".to_string(),
                    p => format!("status `{p}` is set"),
                };
                b.fail(
                    checks::STATUS,
                    format!("{what} (index {} in {})", entry.index, entry.list_url),
                );
                return;
            }
            Err(m) => {
                b.fail(checks::STATUS, m);
                return;
            }
        }
    }
    if !other.is_empty() {
        notes.push(format!("{} other status entries not checked", other.len()));
    }
    b.pass(checks::STATUS, notes.join("; "));
}

fn check_entry(
    entry: &Value,
    issuer: &str,
    options: &VerifyOptions<'_>,
) -> Result<(StatusEntry, bool), String> {
    let entry = StatusEntry::parse(entry).map_err(|e| e.to_string())?;
    let list = options
        .fetcher
        .fetch(&entry.list_url)
        .map_err(|e| format!("the status list could not be loaded: {e}"))?;
    let proofs = verified_list_proofs(&entry.list_url, &list, options)
        .map_err(|e| format!("the status list {} does not verify: {e}", entry.list_url))?;
    let list_issuer = issuer_id(&list).unwrap_or("");
    if list_issuer != issuer {
        return Err(format!(
            "the status list {} is issued by {list_issuer}, not by the credential's issuer {issuer}",
            entry.list_url
        ));
    }
    if proofs.iter().any(|p| p.method.controller != list_issuer) {
        return Err(format!(
            "the status list {} is not signed by its issuer",
            entry.list_url
        ));
    }
    if let Some(Value::String(u)) = list.get("validUntil")
        && parse_datetime(u).map(|u| options.now > u).unwrap_or(true)
    {
        return Err(format!(
            "the status list {} has expired (validUntil {u})",
            entry.list_url
        ));
    }
    let set = read_status(&entry, &list).map_err(|e| e.to_string())?;
    Ok((entry, set))
}

/// Status list credentials whose proofs were verified, keyed by the list's URL, the
/// SHA-256 of the exact document fetched (proof included) and the limits it was checked
/// under. Many credentials point at one list, and re-checking its proof for each of them
/// doubled the cost of a verification. A list whose bytes change (a bit set, a new
/// proof) has another key and is verified afresh.
mod list_cache {
    use crate::di::VerifiedProof;
    use crate::jsonld::Limits;
    use std::collections::{HashMap, VecDeque};
    use std::sync::{LazyLock, Mutex};

    const CAPACITY: usize = 256;

    pub(super) type Key = (String, [u8; 32], [usize; 5]);

    #[derive(Default)]
    struct Cache {
        map: HashMap<Key, Vec<VerifiedProof>>,
        order: VecDeque<Key>,
    }

    static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Default::default);

    pub(super) fn key(url: &str, document: &serde_json::Value, limits: &Limits) -> Option<Key> {
        use sha2::{Digest, Sha256};
        let bytes = serde_json::to_vec(document).ok()?;
        let l = [
            limits.max_bytes,
            limits.max_depth,
            limits.max_blank_nodes,
            limits.max_ambiguous_blank_nodes,
            limits.max_quads,
        ];
        Some((url.to_string(), Sha256::digest(&bytes).into(), l))
    }

    pub(super) fn get(key: &Key) -> Option<Vec<VerifiedProof>> {
        CACHE.lock().ok()?.map.get(key).cloned()
    }

    pub(super) fn put(key: Key, proofs: Vec<VerifiedProof>) {
        let Ok(mut c) = CACHE.lock() else { return };
        if c.map.contains_key(&key) {
            return;
        }
        while c.order.len() >= CAPACITY {
            if let Some(old) = c.order.pop_front() {
                c.map.remove(&old);
            }
        }
        c.order.push_back(key.clone());
        c.map.insert(key, proofs);
    }

    #[cfg(test)]
    pub(super) fn len() -> usize {
        CACHE.lock().map(|c| c.map.len()).unwrap_or(0)
    }
}

/// The verified proofs of a status list credential, from the cache when these exact
/// bytes were verified before. On a hit every verification method is still resolved
/// again and must give the same key, so a key removed from a did:web document since
/// stops being accepted; only canonicalization and the signature check are saved.
fn verified_list_proofs(
    url: &str,
    list: &Value,
    options: &VerifyOptions<'_>,
) -> crate::error::Result<Vec<VerifiedProof>> {
    let key = list_cache::key(url, list, &options.limits);
    if let Some(cached) = key.as_ref().and_then(list_cache::get) {
        let still_valid = cached.iter().all(|p| {
            crate::did::resolve_verification_method(&p.method.id, options.fetcher)
                .is_ok_and(|m| m == p.method)
        });
        if still_valid {
            return Ok(cached);
        }
    }
    let proofs = di::verify_proof_with(list, options.fetcher, &options.limits)?;
    if let Some(key) = key {
        list_cache::put(key, proofs.clone());
    }
    Ok(proofs)
}

fn ob3_check(b: &mut Builder, credential: &Value) {
    if has_type(credential, "EndorsementCredential") {
        match endorsement_shape(credential) {
            Ok(()) => b.pass(
                checks::OB3,
                "has the shape of an Open Badges 3.0 endorsement",
            ),
            Err(m) => b.fail(checks::OB3, m),
        }
        return;
    }
    let is_ob = has_type(credential, "OpenBadgeCredential")
        || has_type(credential, "AchievementCredential");
    if !is_ob {
        b.skip(checks::OB3, "not an Open Badges credential");
        return;
    }
    match ob3_shape(credential) {
        Ok(()) => b.pass(
            checks::OB3,
            "has the shape of an Open Badges 3.0 credential",
        ),
        Err(m) => b.fail(checks::OB3, m),
    }
}

/// What every OB 3.0 credential, badge or endorsement, must have: the OB context, an id,
/// an issuer Profile and `validFrom`.
fn ob3_common(c: &Value) -> Result<(), String> {
    let contexts: Vec<&str> = match c.get("@context") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !contexts
        .iter()
        .any(|u| [OB_V3P0, OB_V3P0_1, OB_V3P0_2, OB_V3P0_3].contains(u))
    {
        return Err(format!(
            "an Open Badges 3.0 credential needs the OB context (e.g. {OB_V3P0_3}) after the VC v2 context"
        ));
    }
    if c.get("id").and_then(Value::as_str).is_none() {
        return Err("the credential needs an `id` (e.g. urn:uuid:…)".into());
    }
    let issuer = c.get("issuer").ok_or("no issuer")?;
    if !issuer.is_object() || !has_type(issuer, "Profile") {
        return Err(
            "`issuer` must be a Profile object with `id`, `type` [\"Profile\"] and `name`".into(),
        );
    }
    if c.get("validFrom").is_none() {
        return Err("an Open Badges 3.0 credential needs `validFrom`".into());
    }
    Ok(())
}

/// The structural rules of an OB 3.0 EndorsementCredential (a subset of the 1EdTech
/// EndorsementCredential JSON Schema): a `name`, and one EndorsementSubject naming what
/// is endorsed.
pub fn endorsement_shape(c: &Value) -> Result<(), String> {
    ob3_common(c)?;
    if c.get("name").and_then(Value::as_str).is_none() {
        return Err("an endorsement needs a `name`".into());
    }
    let Some(subject) = c.get("credentialSubject").filter(|s| s.is_object()) else {
        return Err("`credentialSubject` must be a single EndorsementSubject object".into());
    };
    if !has_type(subject, "EndorsementSubject") {
        return Err("credentialSubject.type must include \"EndorsementSubject\"".into());
    }
    if subject.get("id").and_then(Value::as_str).is_none() {
        return Err("credentialSubject needs the `id` of what is endorsed".into());
    }
    Ok(())
}

/// The structural rules of OB 3.0 that JSON-LD does not enforce (a subset of the
/// 1EdTech JSON Schema).
pub fn ob3_shape(c: &Value) -> Result<(), String> {
    ob3_common(c)?;
    let subject = match c.get("credentialSubject") {
        Some(Value::Object(_)) => c.get("credentialSubject").ok_or("no credentialSubject")?,
        _ => return Err("`credentialSubject` must be a single AchievementSubject object".into()),
    };
    if !has_type(subject, "AchievementSubject") {
        return Err("credentialSubject.type must include \"AchievementSubject\"".into());
    }
    if subject.get("id").is_none() && subject.get("identifier").is_none() {
        return Err("credentialSubject needs an `id` or at least one `identifier`".into());
    }
    let achievement = subject
        .get("achievement")
        .ok_or("credentialSubject.achievement is missing")?;
    if !has_type(achievement, "Achievement") {
        return Err("achievement.type must include \"Achievement\"".into());
    }
    for f in ["id", "name", "description", "criteria"] {
        if achievement.get(f).is_none() {
            return Err(format!("achievement.{f} is required"));
        }
    }
    if let Some(t) = achievement.get("achievementType").and_then(Value::as_str)
        && !crate::ob3::ACHIEVEMENT_TYPES.contains(&t)
        && !t.starts_with("ext:")
    {
        return Err(format!(
            "achievementType `{t}` is not in the OB 3.0 vocabulary; custom values need the `ext:` prefix"
        ));
    }
    if let Some(Value::Array(al)) = achievement.get("alignment") {
        for a in al {
            if a.get("targetName").is_none() || a.get("targetUrl").is_none() {
                return Err("every alignment needs `targetName` and `targetUrl`".into());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::did::MapFetcher;
    use crate::keys::KeyPair;
    use crate::status::{BitstringStatusList, StatusPurpose, status_list_credential};

    fn signed_list(key: &KeyPair, url: &str, set: &[usize]) -> Value {
        let mut l = BitstringStatusList::new(0);
        for &i in set {
            l.set(i, true).unwrap();
        }
        let t = time::macros::datetime!(2025-01-01 00:00 UTC);
        let c =
            status_list_credential(url, &key.did_key(), StatusPurpose::Revocation, &l, t).unwrap();
        di::sign_credential(&c, key, &key.did_key_verification_method(), t).unwrap()
    }

    #[test]
    fn an_endorsement_has_its_own_shape() {
        let good = serde_json::json!({
            "@context": [VC_V2, OB_V3P0_3],
            "id": "https://cairn.example/credentials/1",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": "Accreditation",
            "issuer": {"id": "did:key:z6Mk", "type": ["Profile"], "name": "Council"},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "https://cairn.example/modules/1", "type": ["EndorsementSubject"]}
        });
        assert_eq!(endorsement_shape(&good), Ok(()));
        let mut b = Builder { checks: Vec::new() };
        ob3_check(&mut b, &good);
        assert_eq!(b.checks[0].status, CheckStatus::Passed);
        for (pointer, fix) in [
            ("/name", "`name`"),
            ("/credentialSubject/type", "EndorsementSubject"),
            ("/credentialSubject/id", "`id` of what is endorsed"),
        ] {
            let mut bad = good.clone();
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            bad.pointer_mut(if parent.is_empty() { "" } else { parent })
                .unwrap()
                .as_object_mut()
                .unwrap()
                .remove(key);
            let e = endorsement_shape(&bad).unwrap_err();
            assert!(e.contains(fix), "{pointer}: {e}");
            let mut b = Builder { checks: Vec::new() };
            ob3_check(&mut b, &bad);
            assert_eq!(b.checks[0].status, CheckStatus::Failed, "{pointer}");
        }
    }

    #[test]
    fn verified_lists_are_cached_by_their_bytes() {
        let key = KeyPair::from_seed(&[77; 32]);
        let url = "https://cache-test.example/status/1";
        let list = signed_list(&key, url, &[3]);
        let f = MapFetcher::new();
        let opts = VerifyOptions::new(OffsetDateTime::now_utc(), &f);
        let before = list_cache::len();
        let a = verified_list_proofs(url, &list, &opts).unwrap();
        assert!(list_cache::len() > before || list_cache::len() == 256);
        let b = verified_list_proofs(url, &list, &opts).unwrap();
        assert_eq!(a[0].method, b[0].method);
        // Changed bytes are a miss and are verified: a tampered list fails.
        let mut tampered = list.clone();
        tampered["credentialSubject"]["encodedList"] =
            signed_list(&key, url, &[4])["credentialSubject"]["encodedList"].clone();
        assert!(verified_list_proofs(url, &tampered, &opts).is_err());
        // Same bytes under another URL are a separate entry (and still verify).
        assert!(verified_list_proofs("https://cache-test.example/other", &list, &opts).is_ok());
    }
}
