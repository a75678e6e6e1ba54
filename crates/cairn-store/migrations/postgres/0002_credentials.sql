-- Credentials: issuer signing keys (sealed), achievements, issued credentials, status lists.

CREATE TABLE signing_keys (
    id                UUID PRIMARY KEY,
    org_id            UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    public_multibase  TEXT NOT NULL UNIQUE,
    -- The Ed25519 seed, encrypted with the installation's master key (nonce || ciphertext).
    secret_sealed     BYTEA NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    retired_at        TIMESTAMPTZ
);
CREATE INDEX signing_keys_org ON signing_keys(org_id);

CREATE TABLE achievements (
    id           UUID PRIMARY KEY,
    org_id       UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('badge','micro_credential','nano_degree','certificate')),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    criteria     TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE credentials (
    id              UUID PRIMARY KEY,
    org_id          UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    achievement_id  UUID REFERENCES achievements(id) ON DELETE SET NULL,
    recipient_user  UUID REFERENCES users(id) ON DELETE SET NULL,
    -- What the credential names the recipient by: a DID/URL, or an e-mail address shown to the issuer only.
    recipient       TEXT NOT NULL,
    name            TEXT NOT NULL,
    document        TEXT NOT NULL,
    jwt             TEXT,
    status_list     INTEGER NOT NULL,
    status_index    INTEGER NOT NULL,
    revoked_at      TIMESTAMPTZ,
    suspended_at    TIMESTAMPTZ,
    status_reason   TEXT,
    issued_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, status_list, status_index)
);
CREATE INDEX credentials_org ON credentials(org_id, issued_at);
CREATE INDEX credentials_recipient ON credentials(recipient_user);

CREATE TABLE status_lists (
    org_id      UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('revocation','suspension')),
    list_no     INTEGER NOT NULL,
    -- The signed BitstringStatusListCredential as served.
    credential  TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, purpose, list_no)
);

-- How an issuer organization names itself in credentials: 'web' (did:web, keys can be
-- rotated) or 'key' (did:key, one key for good).
ALTER TABLE organizations ADD COLUMN issuer_did_method TEXT NOT NULL DEFAULT 'web'
    CHECK (issuer_did_method IN ('web','key'));
