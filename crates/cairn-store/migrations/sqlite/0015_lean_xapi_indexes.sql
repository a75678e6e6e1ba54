-- Batch ingest writes every B-tree page a statement touches twice (WAL, then checkpoint),
-- and most index entries land on random pages: the less a statement touches, the faster
-- an LRS fills. Queries read the same things as before (decision 0027).

-- A statement's object activity and actor are columns with indexes of their own; the
-- refs keep only the other activities and agents it names, and queries match the column
-- OR the refs. One B-tree (WITHOUT ROWID) instead of three: the rowid table, the primary
-- key and the index by seq are gone. Statements are never deleted (xAPI statements are
-- immutable; voiding is an update), so nothing looks refs up by seq.
CREATE TABLE xapi_statement_refs_lean (
    kind   TEXT NOT NULL CHECK (kind IN ('activity','agent')),
    value  TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (kind, value, seq)
) WITHOUT ROWID;
INSERT INTO xapi_statement_refs_lean (kind, value, seq)
SELECT r.kind, r.value, r.seq
FROM xapi_statement_refs r JOIN xapi_statements s ON s.seq = r.seq
WHERE NOT (r.kind = 'activity' AND r.value IS s.activity_id)
  AND NOT (r.kind = 'agent' AND r.value = s.actor_ifi);
DROP TABLE xapi_statement_refs;
ALTER TABLE xapi_statement_refs_lean RENAME TO xapi_statement_refs;

-- The same statements table, its foreign keys checked at commit. An immediate foreign key
-- makes SQLite keep a statement journal for every multi-row INSERT (a copy of each page
-- it changes, to undo just that statement), whatever PRAGMA defer_foreign_keys says at
-- run time; an error rolls the whole transaction back anyway.
CREATE TABLE xapi_statements_deferred (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE
                      DEFERRABLE INITIALLY DEFERRED,
    id            BLOB NOT NULL,
    stored        TEXT NOT NULL,
    verb_id       TEXT NOT NULL,
    actor_ifi     TEXT NOT NULL,
    activity_id   TEXT,
    registration  BLOB,
    -- The statement this one voids, and whether this one was voided.
    voids         BLOB,
    voided        BOOLEAN NOT NULL DEFAULT 0,
    key_id        BLOB REFERENCES lrs_keys(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    -- The statement as stored (JSON, with id, stored, timestamp, authority, version).
    statement     TEXT NOT NULL,
    UNIQUE (org_id, id)
);
INSERT INTO xapi_statements_deferred
    (seq, org_id, id, stored, verb_id, actor_ifi, activity_id, registration, voids, voided,
     key_id, statement)
SELECT seq, org_id, id, stored, verb_id, actor_ifi, activity_id, registration, voids, voided,
       key_id, statement
FROM xapi_statements ORDER BY seq;
-- Sequence numbers are never reused, even those of statements no longer there.
INSERT INTO sqlite_sequence (name, seq)
SELECT 'xapi_statements_deferred', 0 WHERE NOT EXISTS
    (SELECT 1 FROM sqlite_sequence WHERE name = 'xapi_statements_deferred');
UPDATE sqlite_sequence
SET seq = MAX(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'xapi_statements'), 0))
WHERE name = 'xapi_statements_deferred';
DROP TABLE xapi_statements;
ALTER TABLE xapi_statements_deferred RENAME TO xapi_statements;
CREATE INDEX xapi_statements_org_seq ON xapi_statements(org_id, seq);
CREATE INDEX xapi_statements_verb ON xapi_statements(org_id, verb_id, seq);
CREATE INDEX xapi_statements_actor ON xapi_statements(org_id, actor_ifi, seq);
CREATE INDEX xapi_statements_activity ON xapi_statements(org_id, activity_id, seq);
CREATE INDEX xapi_statements_registration ON xapi_statements(org_id, registration, seq);
-- A statement that arrives after its voiding statement is stored already voided: looked up
-- by what voids it.
CREATE INDEX xapi_statements_voids ON xapi_statements(org_id, voids);
