-- Foundation: organizations, people, memberships, teams, tokens, sessions, audit log.

CREATE TABLE organizations (
    id          UUID PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    is_employer   BOOLEAN NOT NULL DEFAULT FALSE,
    is_provider   BOOLEAN NOT NULL DEFAULT FALSE,
    is_accreditor BOOLEAN NOT NULL DEFAULT FALSE,
    is_issuer     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id               UUID PRIMARY KEY,
    display_name     TEXT NOT NULL,
    password_hash    TEXT,
    is_operator      BOOLEAN NOT NULL DEFAULT FALSE,
    failed_sign_ins  INTEGER NOT NULL DEFAULT 0,
    locked_until     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE user_emails (
    address     TEXT PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    is_primary  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX user_emails_user ON user_emails(user_id);
CREATE UNIQUE INDEX user_emails_one_primary ON user_emails(user_id) WHERE is_primary;

CREATE TABLE memberships (
    org_id      UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('admin','manager','author','assessor','reviewer','learner')),
    job_title   TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, user_id, role)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE teams (
    id      UUID PRIMARY KEY,
    org_id  UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE team_members (
    team_id  UUID NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id  UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members(user_id);

CREATE TABLE api_tokens (
    id          UUID PRIMARY KEY,
    org_id      UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('admin','manager','author','assessor','reviewer','learner')),
    name        TEXT NOT NULL,
    token_hash  BYTEA NOT NULL UNIQUE,
    created_by  UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX api_tokens_org ON api_tokens(org_id);

CREATE TABLE sessions (
    id_hash     BYTEA PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_events (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         UUID NOT NULL UNIQUE,
    at         TIMESTAMPTZ NOT NULL,
    actor      TEXT NOT NULL,
    org_id     UUID,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_events_org ON audit_events(org_id, seq);

-- The audit log is append-only: the database itself refuses edits and deletions.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
