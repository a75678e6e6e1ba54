-- Competency-based validation: item banks, assessments and attempts, rubrics, performance
-- evidence and its reviews, achievement rules, and the award outbox.
--
-- JSON columns hold the cairn-core types (ItemContent, Assessment, Form, AttemptResult,
-- Rubric, ReviewPolicy, Score, Decision, Criteria) as written by serde.

-- Items of a provider's bank; each edit adds a version, and versions never change.
CREATE TABLE items (
    id               UUID PRIMARY KEY,
    org_id           UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    current_version  INTEGER NOT NULL,
    -- Retired items stay (attempts refer to their versions) but are no longer drawn.
    retired_at       TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX items_org ON items(org_id);

CREATE TABLE item_versions (
    item_id       UUID NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    -- Copies of content fields for filtering: the competency as text (uuid or code).
    competency    TEXT NOT NULL,
    difficulty    TEXT NOT NULL CHECK (difficulty IN ('easy','medium','hard')),
    item_type     TEXT NOT NULL,
    content       TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_id, version)
);
CREATE FUNCTION item_versions_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'item versions are frozen';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER item_versions_frozen BEFORE UPDATE ON item_versions
FOR EACH ROW EXECUTE FUNCTION item_versions_frozen();

-- An assessment of a provider, optionally the assessment of one of its modules.
CREATE TABLE assessments (
    id           UUID PRIMARY KEY,
    org_id       UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    module_id    UUID REFERENCES modules(id) ON DELETE SET NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    -- cairn_core::assessment::Assessment
    rules        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('draft','published','retired')),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX assessments_org ON assessments(org_id);
CREATE INDEX assessments_module ON assessments(module_id);

CREATE TABLE attempts (
    id             UUID PRIMARY KEY,
    assessment_id  UUID NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    learner_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    number         INTEGER NOT NULL,
    -- The rules in force when the attempt started: a later edit never moves its deadline.
    rules          TEXT NOT NULL,
    -- The drawn form with its answer keys; it never leaves the server before submission.
    form           TEXT NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    deadline       TIMESTAMPTZ,
    submitted_at   TIMESTAMPTZ,
    responses      TEXT,
    result         TEXT,
    passed         BOOLEAN,
    -- The percentage in tenths (the result's figure), for listing without parsing JSON.
    percent_tenths INTEGER,
    -- Two concurrent starts cannot both become attempt n.
    UNIQUE (assessment_id, learner_id, number),
    CHECK ((submitted_at IS NULL) = (result IS NULL))
);
CREATE INDEX attempts_learner ON attempts(learner_id, assessment_id);

-- Rubrics, owned by the organization whose assessors use them.
CREATE TABLE rubrics (
    id          UUID PRIMARY KEY,
    org_id      UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    -- cairn_core::review::Rubric
    content     TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX rubrics_org ON rubrics(org_id);

-- Performance evidence a learner submits for review on a rubric (towards an achievement).
CREATE TABLE evidence (
    id              UUID PRIMARY KEY,
    learner_id      UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    rubric_id       UUID NOT NULL REFERENCES rubrics(id),
    achievement_id  UUID REFERENCES achievements(id) ON DELETE SET NULL,
    -- The organization whose assessors review it (the rubric's).
    org_id          UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    narrative       TEXT NOT NULL,
    -- JSON array of https links.
    links           TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL CHECK (status IN ('awaiting_first_marker','awaiting_second_marker',
                        'awaiting_adjudication','accepted','rejected','under_appeal','appeal_decided')),
    -- cairn_core::review::ReviewPolicy in force when submitted.
    policy          TEXT NOT NULL,
    -- cairn_core::review::Decision once decided (the appeal's, after an appeal).
    decision        TEXT,
    accepted        BOOLEAN,
    submitted_at    TIMESTAMPTZ NOT NULL,
    decided_at      TIMESTAMPTZ,
    -- Why the learner appealed the rejection, once they have.
    appeal_reason   TEXT
);
CREATE INDEX evidence_learner ON evidence(learner_id);
CREATE INDEX evidence_org_status ON evidence(org_id, status);

CREATE TABLE evidence_files (
    id           UUID PRIMARY KEY,
    evidence_id  UUID NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    bytes        BYTEA NOT NULL
);
CREATE INDEX evidence_files_evidence ON evidence_files(evidence_id);

-- One review per stage of a piece of evidence: assigned to an assessor, then submitted.
CREATE TABLE reviews (
    id            UUID PRIMARY KEY,
    evidence_id   UUID NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    stage         TEXT NOT NULL CHECK (stage IN ('first_marking','second_marking','adjudication','appeal')),
    assessor_id   UUID NOT NULL REFERENCES users(id),
    assigned_at   TIMESTAMPTZ NOT NULL,
    submitted_at  TIMESTAMPTZ,
    -- JSON array of cairn_core::review::Mark, and the resulting Score.
    marks         TEXT,
    score         TEXT,
    UNIQUE (evidence_id, stage),
    CHECK ((submitted_at IS NULL) = (score IS NULL))
);
CREATE INDEX reviews_assessor ON reviews(assessor_id, submitted_at);

-- What an achievement's rules and policies say (NULL rule: awarded by hand only).
ALTER TABLE achievements ADD COLUMN rule TEXT;
ALTER TABLE achievements ADD COLUMN review_policy TEXT NOT NULL DEFAULT '{"double_marking":false,"score_tolerance":0,"exclude_same_organization":false}';
-- JSON array of {competency_id, level}.
ALTER TABLE achievements ADD COLUMN alignments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE achievements ADD COLUMN image_url TEXT;
ALTER TABLE achievements ADD COLUMN validity_days INTEGER;

-- Reverse index of achievement rules: which achievements may follow from an assessment,
-- a rubric or a module, so that each event re-evaluates only those.
CREATE TABLE achievement_rule_refs (
    achievement_id  UUID NOT NULL REFERENCES achievements(id) ON DELETE CASCADE,
    ref_kind        TEXT NOT NULL CHECK (ref_kind IN ('assessment','rubric','module')),
    ref_id          UUID NOT NULL,
    PRIMARY KEY (achievement_id, ref_kind, ref_id)
);
CREATE INDEX achievement_rule_refs_ref ON achievement_rule_refs(ref_kind, ref_id);

-- Awards: decided in the same transaction as the event that met the rule, then signed by
-- the outbox worker, which issues the credential and marks the award in one transaction.
CREATE TABLE awards (
    id              UUID PRIMARY KEY,
    achievement_id  UUID NOT NULL REFERENCES achievements(id) ON DELETE CASCADE,
    learner_id      UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id          UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    -- JSON: the evidence refs that satisfied the rule, with what each was.
    evidence        TEXT NOT NULL,
    -- JSON: the result to state in the credential (score, level), or null.
    result          TEXT,
    explanation     TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending','issued','failed')),
    -- False once its credential is revoked, so the achievement may be earned again.
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    credential_id   UUID REFERENCES credentials(id),
    tries           INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    decided_at      TIMESTAMPTZ NOT NULL,
    issued_at       TIMESTAMPTZ,
    CHECK ((state = 'issued') = (credential_id IS NOT NULL))
);
-- Exactly once: one active award per learner and achievement, however many requests race.
CREATE UNIQUE INDEX awards_one_active ON awards(achievement_id, learner_id) WHERE active;
CREATE INDEX awards_pending ON awards(state, decided_at);
CREATE INDEX awards_learner ON awards(learner_id);
CREATE UNIQUE INDEX awards_credential ON awards(credential_id);

-- A credential's chain of decisions is read by subject (attempt:…, evidence:…, award:…).
CREATE INDEX audit_events_subject ON audit_events(subject, seq);
