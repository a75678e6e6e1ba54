-- Accreditation: accreditors' review standards, providers' submissions of module versions,
-- reviewers and their reviews, decisions (signed as OB 3.0 EndorsementCredentials), the
-- module versions each decision covers, and the operator's registry of trusted issuers.
--
-- Whether a module is accredited is never stored as a flag: it is read from decisions
-- whose endorsement credential is unrevoked and still valid, so a lapse needs no job and a
-- withdrawal (which revokes the endorsement) shows everywhere at once.
ALTER TABLE modules DROP COLUMN accredited;

-- A standard is immutable once created (reviews score against its criteria); a changed
-- standard is a new one, and the old one is archived.
CREATE TABLE review_standards (
    id           UUID PRIMARY KEY NOT NULL,
    org_id       UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    -- JSON array of cairn_core::accreditation::Criterion.
    criteria     TEXT NOT NULL,
    archived     BOOLEAN NOT NULL DEFAULT FALSE,
    created_by   UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX review_standards_org ON review_standards(org_id, name);

CREATE TABLE accreditation_submissions (
    id                 UUID PRIMARY KEY NOT NULL,
    module_id          UUID NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    version_id         UUID NOT NULL REFERENCES module_versions(id),
    provider_org_id    UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    accreditor_org_id  UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    standard_id        UUID NOT NULL REFERENCES review_standards(id),
    -- JSON array of {id, title}: the module's assessments when it was submitted.
    assessments        TEXT NOT NULL,
    note               TEXT,
    state              TEXT NOT NULL CHECK (state IN ('submitted','in_review','decided','withdrawn')),
    submitted_by       UUID REFERENCES users(id) ON DELETE SET NULL,
    submitted_at       TIMESTAMPTZ NOT NULL,
    closed_at          TIMESTAMPTZ
);
-- One open submission of a version to an accreditor at a time.
CREATE UNIQUE INDEX accreditation_submissions_one_open
    ON accreditation_submissions(version_id, accreditor_org_id)
    WHERE state IN ('submitted','in_review');
CREATE INDEX accreditation_submissions_accreditor ON accreditation_submissions(accreditor_org_id, state);
CREATE INDEX accreditation_submissions_provider ON accreditation_submissions(provider_org_id, submitted_at);

-- A reviewer assigned to a submission, and their review once given.
CREATE TABLE accreditation_reviewers (
    submission_id   UUID NOT NULL REFERENCES accreditation_submissions(id) ON DELETE CASCADE,
    user_id         UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    assigned_by     UUID REFERENCES users(id) ON DELETE SET NULL,
    assigned_at     TIMESTAMPTZ NOT NULL,
    -- JSON array of cairn_core::accreditation::CriterionScore.
    scores          TEXT,
    comment         TEXT,
    recommendation  TEXT CHECK (recommendation IN ('accredited','conditional','not_accredited')),
    reviewed_at     TIMESTAMPTZ,
    PRIMARY KEY (submission_id, user_id),
    CHECK ((reviewed_at IS NULL) = (scores IS NULL))
);
CREATE INDEX accreditation_reviewers_user ON accreditation_reviewers(user_id);

CREATE TABLE accreditations (
    id                       UUID PRIMARY KEY NOT NULL,
    submission_id            UUID NOT NULL UNIQUE REFERENCES accreditation_submissions(id) ON DELETE CASCADE,
    module_id                UUID NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    provider_org_id          UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    accreditor_org_id        UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    standard_id              UUID NOT NULL REFERENCES review_standards(id),
    outcome                  TEXT NOT NULL CHECK (outcome IN ('accredited','conditional','not_accredited')),
    rationale                TEXT NOT NULL,
    conditions               TEXT,
    conditions_due           DATE,
    conditions_response      TEXT,
    conditions_responded_at  TIMESTAMPTZ,
    conditions_met_at        TIMESTAMPTZ,
    valid_from               TIMESTAMPTZ NOT NULL,
    valid_until              TIMESTAMPTZ NOT NULL,
    -- What the endorsement is about: the module's achievement URL, or the module's URL.
    subject_id               TEXT NOT NULL,
    -- The signed EndorsementCredential; none for "not accredited".
    credential_id            UUID REFERENCES credentials(id),
    decided_by               UUID REFERENCES users(id) ON DELETE SET NULL,
    decided_at               TIMESTAMPTZ NOT NULL,
    withdrawn_at             TIMESTAMPTZ,
    withdrawn_reason         TEXT,
    CHECK ((outcome = 'not_accredited') = (credential_id IS NULL)),
    CHECK ((outcome = 'conditional') = (conditions IS NOT NULL AND conditions_due IS NOT NULL))
);
CREATE INDEX accreditations_module ON accreditations(module_id);
CREATE INDEX accreditations_accreditor ON accreditations(accreditor_org_id, decided_at);
CREATE INDEX accreditations_provider ON accreditations(provider_org_id, decided_at);

-- The module versions a decision covers: the reviewed one, and later ones the provider
-- declared minor changes (the declaration and its reason are kept).
CREATE TABLE accredited_versions (
    accreditation_id  UUID NOT NULL REFERENCES accreditations(id) ON DELETE CASCADE,
    version_id        UUID NOT NULL REFERENCES module_versions(id),
    via               TEXT NOT NULL CHECK (via IN ('review','minor_change')),
    rationale         TEXT,
    recorded_by       UUID REFERENCES users(id) ON DELETE SET NULL,
    recorded_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (accreditation_id, version_id)
);
CREATE INDEX accredited_versions_version ON accredited_versions(version_id);

-- The platform operator's registry of recognized accreditors and issuers.
CREATE TABLE trusted_entities (
    did         TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    -- JSON array of scope names (cairn_vc::trust::Scope).
    scopes      TEXT NOT NULL,
    note        TEXT,
    added_by    TEXT NOT NULL,
    added_at    TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
