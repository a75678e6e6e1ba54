-- Stacks: achievements awarded when the learner holds others (badges → micro-credentials →
-- nano-degrees/certificates), credit values, renewal, expiry handling and notifications.

-- JSON cairn_core::stacks::StackSpec (NULL: not a stack).
ALTER TABLE achievements ADD COLUMN stack TEXT;
-- Credit value in thousandths of a credit hour (NULL: none).
ALTER TABLE achievements ADD COLUMN credits INTEGER;
-- JSON cairn_core::renewal::Renewal (NULL: renewed only by earning it again).
ALTER TABLE achievements ADD COLUMN renewal TEXT;

-- Reverse index of stack rules and prerequisites: which stacks name an achievement, so a
-- credential issued, revoked, suspended or expired re-evaluates only those.
CREATE TABLE stack_refs (
    stack_id      BLOB NOT NULL REFERENCES achievements(id) ON DELETE CASCADE,
    component_id  BLOB NOT NULL REFERENCES achievements(id) ON DELETE CASCADE,
    PRIMARY KEY (stack_id, component_id)
);
CREATE INDEX stack_refs_component ON stack_refs(component_id, stack_id);

-- Reverse index of renewal paths: a passed renewal assessment, or a credential whose
-- credits count towards renewing another.
CREATE TABLE renewal_refs (
    achievement_id  BLOB NOT NULL REFERENCES achievements(id) ON DELETE CASCADE,
    ref_kind        TEXT NOT NULL CHECK (ref_kind IN ('assessment','achievement')),
    ref_id          BLOB NOT NULL,
    PRIMARY KEY (achievement_id, ref_kind, ref_id)
);
CREATE INDEX renewal_refs_ref ON renewal_refs(ref_kind, ref_id);

-- When a credential stops being valid on its own; copied from the signed document.
ALTER TABLE credentials ADD COLUMN valid_until TEXT;
-- Set once the stacks built on an expired credential have been re-evaluated.
ALTER TABLE credentials ADD COLUMN expiry_handled BOOLEAN NOT NULL DEFAULT 0;
UPDATE credentials SET valid_until = json_extract(document, '$.validUntil')
    WHERE json_valid(document)
      AND json_extract(document, '$.validUntil') GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z';
-- The nearest expiry reminder already sent (90, 60 or 30 days), so each is sent once.
ALTER TABLE credentials ADD COLUMN reminded_days INTEGER;
CREATE INDEX credentials_holder ON credentials(recipient_user, achievement_id);
CREATE INDEX credentials_expiring ON credentials(valid_until) WHERE valid_until IS NOT NULL;

-- rule: earned by learning; stack: by holding other achievements; renewal: renews an
-- earlier award of the same achievement before it expires.
ALTER TABLE awards ADD COLUMN basis TEXT NOT NULL DEFAULT 'rule' CHECK (basis IN ('rule','stack','renewal'));
ALTER TABLE awards ADD COLUMN renews BLOB REFERENCES awards(id);
-- True while its credential is suspended because a component no longer holds (policy
-- "suspend"); lifted automatically when the stack holds again.
ALTER TABLE awards ADD COLUMN auto_suspended BOOLEAN NOT NULL DEFAULT 0;

-- Notifications: shown in the app always; e-mailed when SMTP is configured (an outbox).
CREATE TABLE notifications (
    id           BLOB PRIMARY KEY NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    -- Makes sending idempotent: e.g. expiry:{credential}:30 is written once.
    dedupe_key   TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    link         TEXT,
    created_at   TEXT NOT NULL,
    read_at      TEXT,
    email_state  TEXT NOT NULL DEFAULT 'none' CHECK (email_state IN ('none','pending','sent','failed')),
    email_tries  INTEGER NOT NULL DEFAULT 0,
    email_error  TEXT,
    emailed_at   TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);
CREATE INDEX notifications_email ON notifications(email_state, created_at);
