-- Micro-learning modules: versions (drafts change, published ones are frozen), aligned
-- competencies, learner progress in built-in lessons, and the catalog's full-text index.
--
-- Alignments keep the competency's id with a copy of its code and statement, without a
-- foreign key: frameworks are written alongside (migration 0003) and a published version
-- must keep what it was aligned to even if a framework is later replaced.

CREATE TABLE modules (
    id                  UUID PRIMARY KEY,
    org_id              UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    -- Filled by accreditation (a later capability).
    accredited          BOOLEAN NOT NULL DEFAULT FALSE,
    -- The latest published version: what the catalog shows.
    current_version_id  UUID,
    created_at          TIMESTAMPTZ NOT NULL,
    -- Weighted text of the current version: title (A), summary (B), objectives and
    -- competency statements (C), tags (D).
    search              TSVECTOR
);
CREATE INDEX modules_org ON modules(org_id);
CREATE INDEX modules_search ON modules USING GIN (search);

CREATE TABLE module_versions (
    id                UUID PRIMARY KEY,
    module_id         UUID NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    number            INTEGER NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('draft','published')),
    title             TEXT NOT NULL,
    duration_minutes  INTEGER NOT NULL,
    language          TEXT NOT NULL,
    format            TEXT NOT NULL CHECK (format IN ('lesson','link','xapi')),
    content           TEXT NOT NULL,
    content_hash      TEXT,
    created_by        TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    published_at      TIMESTAMPTZ,
    UNIQUE (module_id, number),
    CHECK ((state = 'published') = (content_hash IS NOT NULL AND published_at IS NOT NULL))
);
CREATE UNIQUE INDEX module_versions_one_draft ON module_versions(module_id) WHERE state = 'draft';

CREATE FUNCTION module_versions_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'published module versions are frozen';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER module_versions_frozen BEFORE UPDATE OR DELETE ON module_versions
FOR EACH ROW WHEN (OLD.state = 'published') EXECUTE FUNCTION module_versions_frozen();

CREATE TABLE module_alignments (
    version_id     UUID NOT NULL REFERENCES module_versions(id) ON DELETE CASCADE,
    competency_id  UUID NOT NULL,
    target_level   INTEGER NOT NULL,
    PRIMARY KEY (version_id, competency_id)
);
CREATE INDEX module_alignments_competency ON module_alignments(competency_id);

CREATE TABLE lesson_progress (
    user_id       UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    version_id    UUID NOT NULL REFERENCES module_versions(id),
    page_reached  INTEGER NOT NULL DEFAULT 0,
    answers       TEXT NOT NULL DEFAULT '[]',
    score         INTEGER,
    completed_at  TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, version_id)
);
