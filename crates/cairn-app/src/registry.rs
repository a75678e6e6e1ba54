//! The platform operator's registry of recognized accreditors and issuers (decision 0019):
//! anyone may read it; only operators change it (`RegistryManage`), one entry at a time,
//! by recognizing one of this platform's organizations, or by importing a whole JSON
//! document that is checked before anything is written.
//!
//! Verification reports what the registry says about a credential's issuer and endorsers
//! beside its checks ([`App::trust_report`]), never instead of them.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use cairn_core::authz::Action;
use cairn_core::validate::Invalid;
use cairn_core::{OrgKind, Principal};
use cairn_store::{StoreError, TrustedEntityRow};
use cairn_vc::bake::CredentialInput;
use cairn_vc::trust::{self, RegistryDocument, RegistryEntry, RegistryProblem, Scope, TrustReport};
use cairn_vc::verify::VerificationReport;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{App, AppError, Result, audit_entry, now, require};

/// A registry entry with who added it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustedEntity {
    #[serde(flatten)]
    pub entry: RegistryEntry,
    /// The actor who first added it (`user:…`, `token:…`).
    pub added_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// An entry as an operator types it; checked like an imported one.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewRegistryEntry {
    pub did: String,
    pub name: String,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// How an import treats the entries already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Add new DIDs, replace the entries of DIDs already listed, keep the others.
    #[default]
    Merge,
    /// The document becomes the whole registry.
    Replace,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    /// Entries in the registry afterwards.
    pub total: usize,
}

/// An import that was refused: every problem of the document, or another failure.
#[derive(Debug)]
pub enum RegistryImportError {
    Rejected(Vec<RegistryProblem>),
    Other(AppError),
}

impl fmt::Display for RegistryImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryImportError::Rejected(p) => {
                write!(
                    f,
                    "the registry was rejected with {} problem(s); nothing was imported:",
                    p.len()
                )?;
                for p in p {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
            RegistryImportError::Other(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RegistryImportError {}

impl From<AppError> for RegistryImportError {
    fn from(e: AppError) -> Self {
        RegistryImportError::Other(e)
    }
}

impl From<StoreError> for RegistryImportError {
    fn from(e: StoreError) -> Self {
        RegistryImportError::Other(e.into())
    }
}

/// What public verification would otherwise read from the database or re-verify on every
/// call: the registry, this server's own DID documents and status lists, the accreditations
/// held about each achievement, and the endorsements those name with whether each verifies
/// (decision 0024).
///
/// Everything but the endorsements' verification is kept for at most [`TrustCache::TTL`],
/// so a change made by another server or process on the same database shows here within
/// that time. A change this server makes drops it all at once: [`TrustCache::changed`]
/// after its commit, or [`TrustCache::changing`] inside a transaction committed further up
/// (which also keeps nothing new for [`TrustCache::TTL`], so a read made before that
/// commit is not kept either). An endorsement's signature and issuer do not change under
/// its id, so its verification is kept for [`TrustCache::ENDORSEMENT_TTL`]; whether it is
/// withdrawn, revoked, suspended or lapsed comes with the accreditations, and its lapse is
/// judged against the time of each call.
///
/// Ages are measured on the application's clock ([`App::now`]), so tests can move past
/// them; an entry stamped after "now" (a clock moved back) counts as stale.
#[derive(Default)]
pub struct TrustCache {
    /// Bumped on every change, so a read that raced a change is not kept.
    generation: AtomicU64,
    /// Until then nothing read is kept (see [`TrustCache::changing`]).
    quiet_until: Mutex<Option<OffsetDateTime>>,
    registry: Mutex<Option<CachedRegistry>>,
    /// did:web documents and status list credentials this server serves, by URL.
    documents: Mutex<HashMap<String, Stamped<Arc<Value>>>>,
    /// Per achievement id: the endorsements held about it that are neither withdrawn nor
    /// revoked or suspended, with the end of each accreditation.
    accreditations: Mutex<HashMap<String, Stamped<Arc<Vec<HeldAccreditation>>>>>,
    endorsements: Mutex<HashMap<Uuid, Stamped<Arc<HeldEndorsement>>>>,
}

/// A value as read at an instant, under the change generation it was read in.
type Stamped<T> = (OffsetDateTime, u64, T);

/// Whether something read `at` is younger than `ttl` at `now`.
fn young(at: OffsetDateTime, now: OffsetDateTime, ttl: Duration) -> bool {
    at <= now && now - at < ttl
}

/// The registry as read at an instant, under the generation it was read in.
type CachedRegistry = Stamped<Arc<Vec<RegistryEntry>>>;

/// An endorsement credential this server holds, and whether it verified.
pub struct HeldEndorsement {
    document: Value,
    verified: bool,
}

/// An accreditation in force (not withdrawn, its endorsement not revoked or suspended)
/// until `valid_until`.
#[derive(Clone, Copy)]
struct HeldAccreditation {
    credential: Uuid,
    valid_until: OffsetDateTime,
}

impl TrustCache {
    /// How long anything read is used before it is read again: the longest another
    /// server or process sharing the database waits to see this one's change.
    pub const TTL: Duration = Duration::seconds(2);
    pub const ENDORSEMENT_TTL: Duration = Duration::seconds(30);
    /// More entries than a platform holds; past it a map starts again. Only documents
    /// this server holds are kept, so a caller cannot fill it with names of its own.
    const MAX_ENTRIES: usize = 4096;

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn quiet(&self, now: OffsetDateTime) -> bool {
        match self.quiet_until.lock() {
            Ok(q) => q.is_some_and(|until| now < until),
            Err(_) => true,
        }
    }

    /// Drop everything: this server committed a change to what verification reads (keys,
    /// status lists, accreditations, the registry).
    pub(crate) fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut g) = self.registry.lock() {
            *g = None;
        }
        if let Ok(mut g) = self.documents.lock() {
            g.clear();
        }
        if let Ok(mut g) = self.accreditations.lock() {
            g.clear();
        }
    }

    /// Drop everything and keep nothing new for [`TrustCache::TTL`]: a change is being
    /// written in a transaction whose commit is out of sight, and a read until then would
    /// still see the old value. Past that time, what is read is at most [`TrustCache::TTL`]
    /// old again, as for another server's change.
    pub(crate) fn changing(&self, now: OffsetDateTime) {
        if let Ok(mut q) = self.quiet_until.lock() {
            *q = Some(now + Self::TTL);
        }
        self.changed();
    }

    fn fresh<T: Clone>(
        &self,
        map: &Mutex<HashMap<String, Stamped<T>>>,
        key: &str,
        now: OffsetDateTime,
    ) -> Option<T> {
        if self.quiet(now) {
            return None;
        }
        let g = map.lock().ok()?;
        match g.get(key) {
            Some((at, generation, v))
                if young(*at, now, Self::TTL) && *generation == self.generation() =>
            {
                Some(v.clone())
            }
            _ => None,
        }
    }

    /// Keep what was read under `generation`, unless something changed since.
    fn keep<T>(
        &self,
        map: &Mutex<HashMap<String, Stamped<T>>>,
        generation: u64,
        key: &str,
        v: T,
        now: OffsetDateTime,
    ) {
        if generation != self.generation() || self.quiet(now) {
            return;
        }
        if let Ok(mut g) = map.lock() {
            if g.len() >= Self::MAX_ENTRIES && !g.contains_key(key) {
                g.clear();
            }
            g.insert(key.to_owned(), (now, generation, v));
        }
    }

    fn registry(&self, now: OffsetDateTime) -> Option<Arc<Vec<RegistryEntry>>> {
        if self.quiet(now) {
            return None;
        }
        let g = self.registry.lock().ok()?;
        match &*g {
            Some((at, generation, r))
                if young(*at, now, Self::TTL) && *generation == self.generation() =>
            {
                Some(r.clone())
            }
            _ => None,
        }
    }

    fn put_registry(&self, generation: u64, entries: Arc<Vec<RegistryEntry>>, now: OffsetDateTime) {
        if generation != self.generation() || self.quiet(now) {
            return;
        }
        if let Ok(mut g) = self.registry.lock() {
            *g = Some((now, generation, entries));
        }
    }

    /// A document this server holds, as read at most [`TrustCache::TTL`] ago.
    pub(crate) fn document(&self, url: &str, now: OffsetDateTime) -> Option<Arc<Value>> {
        self.fresh(&self.documents, url, now)
    }

    pub(crate) fn keep_document(
        &self,
        generation: u64,
        url: &str,
        doc: Arc<Value>,
        now: OffsetDateTime,
    ) {
        self.keep(&self.documents, generation, url, doc, now)
    }

    fn endorsement(&self, id: Uuid, now: OffsetDateTime) -> Option<Arc<HeldEndorsement>> {
        let g = self.endorsements.lock().ok()?;
        g.get(&id)
            .filter(|(at, _, _)| young(*at, now, Self::ENDORSEMENT_TTL))
            .map(|(_, _, h)| h.clone())
    }

    fn put_endorsement(&self, id: Uuid, held: Arc<HeldEndorsement>, now: OffsetDateTime) {
        if let Ok(mut g) = self.endorsements.lock() {
            if g.len() >= Self::MAX_ENTRIES {
                g.clear();
            }
            g.insert(id, (now, 0, held));
        }
    }
}

/// Where an endorser found through this server's own accreditations comes from.
const SERVER_SOURCE: &str = "endorsement held by this server";

fn to_entity(row: TrustedEntityRow) -> Result<TrustedEntity> {
    let names: Vec<String> = serde_json::from_str(&row.scopes)
        .map_err(|e| AppError::Internal(format!("stored registry scopes of {}: {e}", row.did)))?;
    // A scope this version does not know is left out rather than failing the registry.
    let scopes = names.iter().filter_map(|s| Scope::parse(s)).collect();
    Ok(TrustedEntity {
        entry: RegistryEntry {
            did: row.did,
            name: row.name,
            scopes,
            note: row.note,
        },
        added_by: row.added_by,
        added_at: row.added_at,
        updated_at: row.updated_at,
    })
}

fn scopes_json(scopes: &[Scope]) -> String {
    serde_json::to_string(scopes).unwrap_or_else(|_| "[]".into())
}

fn row_of(entry: &RegistryEntry, by: &Principal, at: OffsetDateTime) -> TrustedEntityRow {
    TrustedEntityRow {
        did: entry.did.clone(),
        name: entry.name.clone(),
        scopes: scopes_json(&entry.scopes),
        note: entry.note.clone(),
        added_by: by.actor(),
        added_at: at,
        updated_at: at,
    }
}

/// The field of an entry's first problem, as `Invalid` names fields.
fn invalid_of(problems: &[RegistryProblem]) -> Invalid {
    let field = match problems.first().map(|p| p.field.as_str()) {
        Some("did") => "did",
        Some("name") => "name",
        Some("note") => "note",
        Some(f) if f.starts_with("scopes") => "scopes",
        _ => "entry",
    };
    let message = problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect::<Vec<_>>()
        .join("; ");
    Invalid::new(field, message)
}

impl App {
    /// The registry, by name. Public: verifiers and people may see whom the platform
    /// recognizes.
    pub async fn registry(&self) -> Result<Vec<TrustedEntity>> {
        let mut r = self.store.reader().await?;
        r.conn()
            .trusted_entities()
            .await?
            .into_iter()
            .map(to_entity)
            .collect()
    }

    /// The registry as the JSON document import takes back.
    pub async fn export_registry(&self) -> Result<RegistryDocument> {
        Ok(RegistryDocument::new(
            self.registry()
                .await?
                .into_iter()
                .map(|e| e.entry)
                .collect(),
        ))
    }

    /// Add an entry, or replace the one with the same DID (operators).
    pub async fn put_registry_entry(
        &self,
        by: &Principal,
        new: NewRegistryEntry,
    ) -> Result<TrustedEntity> {
        require(by, Action::RegistryManage, None)?;
        let value = json!({
            "did": new.did, "name": new.name, "scopes": new.scopes, "note": new.note,
        });
        let entry = trust::check_entry(None, &value).map_err(|p| invalid_of(&p))?;
        self.store_entry(by, entry, "registry.put").await
    }

    async fn store_entry(
        &self,
        by: &Principal,
        entry: RegistryEntry,
        action: &str,
    ) -> Result<TrustedEntity> {
        let mut tx = self.store.begin().await?;
        let before = tx.conn().trusted_entity(&entry.did).await?;
        tx.conn()
            .upsert_trusted_entity(&row_of(&entry, by, now()))
            .await?;
        let audit = audit_entry(
            by,
            None,
            action,
            format!("registry:{}", entry.did),
            json!({
                "name": entry.name,
                "scopes": entry.scopes,
                "note": entry.note,
                "replaced": before.is_some(),
            }),
        );
        tx.conn().append_audit(&audit, now()).await?;
        let row =
            tx.conn().trusted_entity(&entry.did).await?.ok_or_else(|| {
                AppError::Internal("a registry entry just written is gone".into())
            })?;
        tx.commit().await?;
        self.trust_cache.changed();
        to_entity(row)
    }

    /// Remove the entry of a DID (operators).
    pub async fn remove_registry_entry(&self, by: &Principal, did: &str) -> Result<()> {
        require(by, Action::RegistryManage, None)?;
        let mut tx = self.store.begin().await?;
        if !tx.conn().delete_trusted_entity(did).await? {
            return Err(AppError::NotFound(format!("registry entry '{did}'")));
        }
        let audit = audit_entry(
            by,
            None,
            "registry.remove",
            format!("registry:{did}"),
            json!({}),
        );
        tx.conn().append_audit(&audit, now()).await?;
        tx.commit().await?;
        self.trust_cache.changed();
        Ok(())
    }

    /// Import a registry document (operators). The whole document is checked first and
    /// every problem reported with its entry's index; nothing is written unless all is
    /// well. One audit event records the import.
    pub async fn import_registry(
        &self,
        by: &Principal,
        document: &Value,
        mode: ImportMode,
    ) -> std::result::Result<ImportOutcome, RegistryImportError> {
        require(by, Action::RegistryManage, None)?;
        let entries = trust::parse_registry(document).map_err(RegistryImportError::Rejected)?;
        let at = now();
        let mut tx = self.store.begin().await?;
        let existing: std::collections::HashSet<String> = tx
            .conn()
            .trusted_entities()
            .await?
            .into_iter()
            .map(|r| r.did)
            .collect();
        let incoming: std::collections::HashSet<&str> =
            entries.iter().map(|e| e.did.as_str()).collect();
        let mut removed = 0;
        if mode == ImportMode::Replace {
            for did in existing.iter().filter(|d| !incoming.contains(d.as_str())) {
                if tx.conn().delete_trusted_entity(did).await? {
                    removed += 1;
                }
            }
        }
        let mut added = 0;
        let mut updated = 0;
        for e in &entries {
            if existing.contains(&e.did) {
                updated += 1;
            } else {
                added += 1;
            }
            tx.conn().upsert_trusted_entity(&row_of(e, by, at)).await?;
        }
        let total = tx.conn().trusted_entities().await?.len();
        let outcome = ImportOutcome {
            added,
            updated,
            removed,
            total,
        };
        let audit = audit_entry(
            by,
            None,
            "registry.import",
            "registry".into(),
            json!({"mode": mode, "entries": entries.len(), "outcome": outcome}),
        );
        tx.conn().append_audit(&audit, at).await?;
        tx.commit().await?;
        self.trust_cache.changed();
        Ok(outcome)
    }

    /// Recognize one of this platform's organizations under the DID it signs with now
    /// (operators). Without `scopes`, they follow its kinds: accreditors for accreditation,
    /// issuers for achievements (and transcripts when it signs the platform's CLRs).
    pub async fn recognize_org(
        &self,
        by: &Principal,
        slug: &str,
        scopes: Option<Vec<Scope>>,
        note: Option<String>,
    ) -> Result<TrustedEntity> {
        require(by, Action::RegistryManage, None)?;
        let org = self.org_unchecked(slug).await?;
        let did = {
            let mut r = self.store.reader().await?;
            let keys = r.conn().signing_keys(org.id).await?;
            let Some(current) = keys.iter().find(|k| k.retired_at.is_none()) else {
                return Err(AppError::Conflict(format!(
                    "{} has never signed anything, so it has no identifier to recognize yet; recognize it after its first credential or endorsement",
                    org.name
                )));
            };
            match r.conn().issuer_did_method(org.id).await?.as_str() {
                "key" => format!("did:key:{}", current.public_multibase),
                _ => cairn_vc::did::did_web_from_url(&self.issuer_url(&org)).map_err(|e| {
                    AppError::Unavailable(format!(
                        "the public URL does not make a did:web identifier: {e}"
                    ))
                })?,
            }
        };
        let scopes = match scopes {
            Some(s) if !s.is_empty() => s,
            Some(_) => {
                return Err(Invalid::new("scopes", "name at least one scope").into());
            }
            None => {
                let mut s = Vec::new();
                if org.is(OrgKind::Accreditor) {
                    s.push(Scope::Accreditation);
                }
                if org.is(OrgKind::Issuer) {
                    s.push(Scope::Achievements);
                    if self.config.platform_issuer.as_deref() == Some(slug) {
                        s.push(Scope::Transcripts);
                    }
                }
                if s.is_empty() {
                    return Err(Invalid::new(
                        "scopes",
                        format!(
                            "{} is neither an accreditor nor an issuer; name the scopes to recognize it for",
                            org.name
                        ),
                    )
                    .into());
                }
                s
            }
        };
        let value = json!({
            "did": did,
            "name": org.name,
            "scopes": scopes,
            "note": note,
        });
        let entry = trust::check_entry(None, &value).map_err(|p| invalid_of(&p))?;
        self.store_entry(by, entry, "registry.recognize_org").await
    }

    /// What the registry says about a credential's issuer and endorsers: those embedded
    /// in it (each verified as this server verifies credentials) and, for a badge, the
    /// accreditors whose endorsement of its achievement this server holds and is valid now.
    ///
    /// This runs beside every public verification, so what it reads comes from
    /// [`TrustCache`] (see there for how soon a change shows).
    pub async fn trust_report(&self, credential: &Value) -> Result<TrustReport> {
        let registry = self.cached_registry().await?;
        let mut verified = Vec::new();
        for e in trust::embedded_endorsements(credential) {
            verified.push(self.verify_value(e.endorsement.clone()).await?.verified);
        }
        let mut report = trust::assess_verified(credential, &registry, &verified);
        if trust::scope_needed(credential) == trust::Scope::Achievements
            && let Some(achievement) = credential
                .pointer("/credentialSubject/achievement/id")
                .and_then(Value::as_str)
        {
            let t = self.now();
            for a in self.held_accreditations(achievement).await?.iter() {
                if a.valid_until <= t {
                    continue;
                }
                let held = self.held_endorsement(a.credential).await?;
                let mut f = trust::endorser_finding(
                    &held.document,
                    &registry,
                    SERVER_SOURCE,
                    held.verified,
                );
                f.endorsement = Some(self.credential_url(a.credential));
                report.endorsers.push(f);
            }
        }
        Ok(report)
    }

    /// The registry's entries, read at most once per [`TrustCache::TTL`] unless this
    /// server changed them.
    async fn cached_registry(&self) -> Result<Arc<Vec<RegistryEntry>>> {
        let now = self.now();
        if let Some(r) = self.trust_cache.registry(now) {
            return Ok(r);
        }
        let generation = self.trust_cache.generation();
        let entries: Arc<Vec<RegistryEntry>> = Arc::new(
            self.registry()
                .await?
                .into_iter()
                .map(|e| e.entry)
                .collect(),
        );
        self.trust_cache
            .put_registry(generation, entries.clone(), now);
        Ok(entries)
    }

    /// The accreditations in force about an achievement whose endorsement this server
    /// holds, read at most once per [`TrustCache::TTL`] unless this server changed one.
    async fn held_accreditations(&self, achievement: &str) -> Result<Arc<Vec<HeldAccreditation>>> {
        let now = self.now();
        if let Some(h) = self
            .trust_cache
            .fresh(&self.trust_cache.accreditations, achievement, now)
        {
            return Ok(h);
        }
        let generation = self.trust_cache.generation();
        let rows = {
            let mut r = self.store.reader().await?;
            r.conn().accreditations_about(achievement).await?
        };
        let held: Arc<Vec<HeldAccreditation>> = Arc::new(
            rows.into_iter()
                .filter(|a| a.withdrawn_at.is_none() && !a.credential_inactive)
                .filter_map(|a| {
                    Some(HeldAccreditation {
                        credential: a.credential_id?,
                        valid_until: a.valid_until,
                    })
                })
                .collect(),
        );
        self.trust_cache.keep(
            &self.trust_cache.accreditations,
            generation,
            achievement,
            held.clone(),
            now,
        );
        Ok(held)
    }

    /// An endorsement this server holds, with whether it verifies, from the cache when it
    /// was verified in the last [`TrustCache::ENDORSEMENT_TTL`]. Its signature and issuer
    /// do not change under one id; its status and expiry are checked by the caller.
    async fn held_endorsement(&self, id: Uuid) -> Result<Arc<HeldEndorsement>> {
        let now = self.now();
        if let Some(h) = self.trust_cache.endorsement(id, now) {
            return Ok(h);
        }
        let document = self.public_credential(id).await?.document;
        let verified = self.verify_value(document.clone()).await?.verified;
        let held = Arc::new(HeldEndorsement { document, verified });
        self.trust_cache.put_endorsement(id, held.clone(), now);
        Ok(held)
    }

    /// [`App::trust_report`] for whatever a verifier was given: the credential of a JSON
    /// input or the payload of a vc+jwt; none when there is no readable credential.
    pub async fn trust_report_input(&self, input: &CredentialInput) -> Result<Option<TrustReport>> {
        let payload = jwt_payload(input);
        match credential_of(input, payload.as_ref()) {
            Some(p) if p.is_object() => Ok(Some(self.trust_report(p).await?)),
            _ => Ok(None),
        }
    }

    /// Verify, and report what the registry says beside it: the trust summary says
    /// plainly when the credential failed, whoever it names.
    pub async fn verify_with_trust(
        &self,
        input: CredentialInput,
    ) -> Result<(VerificationReport, Option<TrustReport>)> {
        // The credential is read once for both: a vc+jwt is decoded here, JSON is borrowed.
        let payload = jwt_payload(&input);
        let credential = credential_of(&input, payload.as_ref());
        let mut trust = match credential {
            Some(p) if p.is_object() => Some(self.trust_report(p).await?),
            _ => None,
        };
        let documents = match credential {
            Some(p) => self.local_documents_for(p).await?,
            None => Default::default(),
        };
        let report = self.check_credential(input, documents).await?;
        if let Some(t) = &mut trust {
            t.qualify(report.verified);
        }
        Ok((report, trust))
    }

    /// As [`App::verify_with_trust`], for bytes a person hands in (JSON, vc+jwt, or a
    /// baked PNG or SVG badge).
    pub async fn verify_bytes_with_trust(
        &self,
        bytes: &[u8],
    ) -> Result<(VerificationReport, Option<TrustReport>)> {
        let input = cairn_vc::bake::extract_any(bytes)
            .map_err(|e| Invalid::new("credential", e.to_string()))?;
        self.verify_with_trust(input).await
    }
}

/// The payload of a vc+jwt (none for JSON, or a token that does not decode).
pub(crate) fn jwt_payload(input: &CredentialInput) -> Option<Value> {
    match input {
        CredentialInput::Json(_) => None,
        CredentialInput::Jwt(t) => {
            cairn_vc::jwt::decode_jwt(t, &cairn_vc::jsonld::Limits::default())
                .ok()
                .map(|d| d.credential)
        }
    }
}

/// The credential an input holds: the JSON itself, or the decoded payload of its vc+jwt.
pub(crate) fn credential_of<'a>(
    input: &'a CredentialInput,
    jwt_payload: Option<&'a Value>,
) -> Option<&'a Value> {
    match input {
        CredentialInput::Json(v) => Some(v),
        CredentialInput::Jwt(_) => jwt_payload,
    }
}
