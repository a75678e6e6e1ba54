-- Batch ingest pays for every index entry a statement adds, and most of them land on
-- random pages: the fewer, the faster an LRS fills. Queries read the same things as
-- before (decision 0027).

-- A statement's object activity and actor are columns with indexes of their own; the
-- refs keep only the other activities and agents it names, and queries match the column
-- OR the refs. Statements are never deleted (xAPI statements are immutable; voiding is
-- an update), so the index by seq and the foreign key (a trigger per row) go.
DELETE FROM xapi_statement_refs r USING xapi_statements s
WHERE s.seq = r.seq
  AND ((r.kind = 'activity' AND r.value = s.activity_id)
    OR (r.kind = 'agent' AND r.value = s.actor_ifi));
DROP INDEX xapi_statement_refs_seq;
ALTER TABLE xapi_statement_refs DROP CONSTRAINT xapi_statement_refs_seq_fkey;
