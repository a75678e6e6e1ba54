-- Micro-learning modules: versions (drafts change, published ones are frozen), aligned
-- competencies, learner progress in built-in lessons, and the catalog's full-text index.
--
-- Alignments keep the competency's id with a copy of its code and statement, without a
-- foreign key: frameworks are written alongside (migration 0003) and a published version
-- must keep what it was aligned to even if a framework is later replaced.

CREATE TABLE modules (
    -- The row number doubles as the full-text index's rowid (an INTEGER PRIMARY KEY keeps it
    -- stable across VACUUM).
    seq                 INTEGER PRIMARY KEY,
    id                  BLOB NOT NULL UNIQUE,
    org_id              BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    -- Filled by accreditation (a later capability).
    accredited          BOOLEAN NOT NULL DEFAULT 0,
    -- The latest published version: what the catalog shows.
    current_version_id  BLOB,
    created_at          TEXT NOT NULL
);
CREATE INDEX modules_org ON modules(org_id);

CREATE TABLE module_versions (
    id                BLOB PRIMARY KEY NOT NULL,
    module_id         BLOB NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    number            INTEGER NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('draft','published')),
    -- Copies of content fields for filtering and sorting.
    title             TEXT NOT NULL,
    duration_minutes  INTEGER NOT NULL,
    language          TEXT NOT NULL,
    format            TEXT NOT NULL CHECK (format IN ('lesson','link','xapi')),
    -- The whole content (ModuleContent) as canonical JSON.
    content           TEXT NOT NULL,
    content_hash      TEXT,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    published_at      TEXT,
    UNIQUE (module_id, number),
    CHECK ((state = 'published') = (content_hash IS NOT NULL AND published_at IS NOT NULL))
);
-- At most one draft per module.
CREATE UNIQUE INDEX module_versions_one_draft ON module_versions(module_id) WHERE state = 'draft';

CREATE TRIGGER module_versions_frozen_update BEFORE UPDATE ON module_versions
WHEN OLD.state = 'published'
BEGIN SELECT RAISE(ABORT, 'published module versions are frozen'); END;
CREATE TRIGGER module_versions_frozen_delete BEFORE DELETE ON module_versions
WHEN OLD.state = 'published'
BEGIN SELECT RAISE(ABORT, 'published module versions are frozen'); END;

CREATE TABLE module_alignments (
    version_id     BLOB NOT NULL REFERENCES module_versions(id) ON DELETE CASCADE,
    competency_id  BLOB NOT NULL,
    target_level   INTEGER NOT NULL,
    PRIMARY KEY (version_id, competency_id)
);
CREATE INDEX module_alignments_competency ON module_alignments(competency_id);

CREATE TABLE lesson_progress (
    user_id       BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    version_id    BLOB NOT NULL REFERENCES module_versions(id),
    page_reached  INTEGER NOT NULL DEFAULT 0,
    -- JSON array: the chosen choice per question, or null.
    answers       TEXT NOT NULL DEFAULT '[]',
    score         INTEGER,
    completed_at  TEXT,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, version_id)
);

-- Published modules' texts; rowid = modules.seq.
CREATE VIRTUAL TABLE module_search USING fts5(
    title, summary, objectives, competencies, tags,
    tokenize = 'porter unicode61'
);
