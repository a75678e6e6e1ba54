-- Long operations (CSV imports, bulk awards, ICD-11 imports) that run after the request
-- that started them, so a person can leave and come back to their progress. Work is
-- applied in chunks, each chunk in one transaction that also moves `done` and
-- `result`, so what a job says it applied is what the database holds.
CREATE TABLE jobs (
    id           UUID PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('workers.import','assignments.import','credentials.bulk_award','icd11.import')),
    -- NULL for platform jobs (the ICD-11 import).
    org_id       UUID REFERENCES organizations(id) ON DELETE CASCADE,
    started_by   UUID REFERENCES users(id) ON DELETE SET NULL,
    -- What it works on, as people read it: a file name, an achievement's name.
    label        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed','interrupted')),
    total        BIGINT NOT NULL DEFAULT 0 CHECK (total >= 0),
    done         BIGINT NOT NULL DEFAULT 0 CHECK (done >= 0),
    -- JSON object: what has been applied so far (counts, lists).
    result       TEXT NOT NULL DEFAULT '{}',
    error        TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    -- Moved with every chunk: how servers tell a running job from one a stopped server left.
    updated_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ
);
CREATE INDEX jobs_started_by ON jobs(started_by, created_at);
CREATE INDEX jobs_org ON jobs(org_id, created_at);
CREATE INDEX jobs_unfinished ON jobs(updated_at) WHERE state IN ('queued','running');
