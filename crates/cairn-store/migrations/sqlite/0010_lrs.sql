-- The xAPI Learning Record Store: keys clients authenticate with, statements (each
-- organization's apart), what their queries index, attachments, and documents (state,
-- activity profiles, agent profiles).

-- Basic-auth credentials an organization's admin makes for xAPI clients: the key id is the
-- user name, the secret the password, kept only as a SHA-256 hash.
CREATE TABLE lrs_keys (
    id           BLOB PRIMARY KEY NOT NULL,
    org_id       BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    created_by   BLOB REFERENCES users(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);
CREATE INDEX lrs_keys_org ON lrs_keys(org_id);

-- `seq` is the order of storing: what `stored` ordering, `more` cursors and
-- X-Experience-API-Consistent-Through follow.
CREATE TABLE xapi_statements (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    id            BLOB NOT NULL,
    stored        TEXT NOT NULL,
    verb_id       TEXT NOT NULL,
    actor_ifi     TEXT NOT NULL,
    activity_id   TEXT,
    registration  BLOB,
    -- The statement this one voids, and whether this one was voided.
    voids         BLOB,
    voided        BOOLEAN NOT NULL DEFAULT 0,
    key_id        BLOB REFERENCES lrs_keys(id) ON DELETE SET NULL,
    -- The statement as stored (JSON, with id, stored, timestamp, authority, version).
    statement     TEXT NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX xapi_statements_org_seq ON xapi_statements(org_id, seq);
CREATE INDEX xapi_statements_verb ON xapi_statements(org_id, verb_id, seq);
CREATE INDEX xapi_statements_actor ON xapi_statements(org_id, actor_ifi, seq);
CREATE INDEX xapi_statements_activity ON xapi_statements(org_id, activity_id, seq);
CREATE INDEX xapi_statements_registration ON xapi_statements(org_id, registration, seq);
-- A statement that arrives after its voiding statement is stored already voided: looked up
-- by what voids it.
CREATE INDEX xapi_statements_voids ON xapi_statements(org_id, voids);

-- Every activity and agent a statement mentions anywhere: what related_activities and
-- related_agents match.
CREATE TABLE xapi_statement_refs (
    seq    INTEGER NOT NULL REFERENCES xapi_statements(seq) ON DELETE CASCADE,
    kind   TEXT NOT NULL CHECK (kind IN ('activity','agent')),
    value  TEXT NOT NULL,
    PRIMARY KEY (kind, value, seq)
);
CREATE INDEX xapi_statement_refs_seq ON xapi_statement_refs(seq);

-- Attachment contents by their SHA-256, per organization.
CREATE TABLE xapi_attachments (
    org_id        BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    sha2          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    content       BLOB NOT NULL,
    PRIMARY KEY (org_id, sha2)
);

-- State, activity profile and agent profile documents. Absent parts of the key are ''.
CREATE TABLE xapi_documents (
    org_id        BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('state','activity_profile','agent_profile')),
    activity_id   TEXT NOT NULL DEFAULT '',
    agent_ifi     TEXT NOT NULL DEFAULT '',
    registration  TEXT NOT NULL DEFAULT '',
    doc_id        TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    content       BLOB NOT NULL,
    etag          TEXT NOT NULL,
    updated       TEXT NOT NULL,
    PRIMARY KEY (org_id, kind, activity_id, agent_ifi, registration, doc_id)
);
