-- Revoking, suspending or reinstating a credential rebuilds its status list from the
-- credentials of that list whose bit is set. A list holds up to 65,536 credentials and
-- few of them are set, so without this index the rebuild reads every credential row of
-- the list to test two columns (tens of milliseconds per status change at nation scale;
-- docs/decisions/0023-status-set-index.md). This index holds only the set ones.
CREATE INDEX credentials_status_set ON credentials(org_id, status_list, status_index)
    WHERE revoked_at IS NOT NULL OR suspended_at IS NOT NULL;
