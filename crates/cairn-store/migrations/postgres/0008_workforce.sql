-- Workforce: role profiles (versioned), what workers share with employers (consent),
-- assignments of learning with due dates.

-- One row per version of a role profile; `id` is stable across versions and the highest
-- version is the current one. Old versions stay, so a gap read earlier can be explained.
CREATE TABLE role_profiles (
    id            UUID NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    org_id        UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    -- JSON array of cairn_core::workforce::Requirement.
    requirements  TEXT NOT NULL,
    -- The shipped template this profile was copied from, if any.
    template      TEXT,
    archived      BOOLEAN NOT NULL DEFAULT FALSE,
    created_by    UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE INDEX role_profiles_org ON role_profiles(org_id, name);

-- A worker's consent: one credential (credential_id) or everything they hold
-- (credential_id NULL) shared with one organization. Never deleted: withdrawing sets
-- revoked_at, so the record of who could see what, when, is kept.
CREATE TABLE credential_shares (
    id             UUID PRIMARY KEY NOT NULL,
    user_id        UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id         UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    credential_id  UUID REFERENCES credentials(id) ON DELETE CASCADE,
    granted_at     TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ
);
CREATE UNIQUE INDEX credential_shares_one_active
    ON credential_shares(user_id, org_id, COALESCE(credential_id, '00000000-0000-0000-0000-000000000000'::uuid))
    WHERE revoked_at IS NULL;
CREATE INDEX credential_shares_org ON credential_shares(org_id, user_id) WHERE revoked_at IS NULL;

-- Learning a manager asks a worker to do by a date: a module, an assessment or an
-- achievement. Done is judged from the learning records when read; completed_at records
-- when it was first seen done.
CREATE TABLE assignments (
    id                UUID PRIMARY KEY NOT NULL,
    org_id            UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id           UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    target_kind       TEXT NOT NULL CHECK (target_kind IN ('module','assessment','achievement')),
    target_id         UUID NOT NULL,
    due_on            DATE NOT NULL,
    team_id           UUID REFERENCES teams(id) ON DELETE SET NULL,
    note              TEXT,
    assigned_by       UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    completed_at      TIMESTAMPTZ,
    cancelled_at      TIMESTAMPTZ,
    overdue_notified  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX assignments_one_open
    ON assignments(org_id, user_id, target_kind, target_id)
    WHERE cancelled_at IS NULL AND completed_at IS NULL;
CREATE INDEX assignments_org ON assignments(org_id, due_on);
-- The background overdue pass and the completion refresh read only open assignments.
CREATE INDEX assignments_open_due ON assignments(due_on)
    WHERE completed_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX assignments_user ON assignments(user_id);
