-- Foundation: organizations, people, memberships, teams, tokens, sessions, audit log.
-- Times are stored as RFC 3339 text in UTC, so text order is time order.

CREATE TABLE organizations (
    id          BLOB PRIMARY KEY NOT NULL,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    is_employer   BOOLEAN NOT NULL DEFAULT 0,
    is_provider   BOOLEAN NOT NULL DEFAULT 0,
    is_accreditor BOOLEAN NOT NULL DEFAULT 0,
    is_issuer     BOOLEAN NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id               BLOB PRIMARY KEY NOT NULL,
    display_name     TEXT NOT NULL,
    password_hash    TEXT,
    is_operator      BOOLEAN NOT NULL DEFAULT 0,
    failed_sign_ins  INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    created_at       TEXT NOT NULL
);

CREATE TABLE user_emails (
    address     TEXT PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    is_primary  BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX user_emails_user ON user_emails(user_id);
CREATE UNIQUE INDEX user_emails_one_primary ON user_emails(user_id) WHERE is_primary;

CREATE TABLE memberships (
    org_id      BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('admin','manager','author','assessor','reviewer','learner')),
    job_title   TEXT,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id, role)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE teams (
    id      BLOB PRIMARY KEY NOT NULL,
    org_id  BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE team_members (
    team_id  BLOB NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id  BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members(user_id);

CREATE TABLE api_tokens (
    id          BLOB PRIMARY KEY NOT NULL,
    org_id      BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('admin','manager','author','assessor','reviewer','learner')),
    name        TEXT NOT NULL,
    token_hash  BLOB NOT NULL UNIQUE,
    created_by  BLOB REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    revoked_at  TEXT
);
CREATE INDEX api_tokens_org ON api_tokens(org_id);

CREATE TABLE sessions (
    id_hash     BLOB PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         BLOB NOT NULL UNIQUE,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    org_id     BLOB,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_events_org ON audit_events(org_id, seq);

-- The audit log is append-only: the database itself refuses edits and deletions.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
