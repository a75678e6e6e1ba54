-- One active signing key per organization. Two servers that both found an issuer without
-- a key each made one; now the second insert does nothing and signs with the first's.
-- Databases where that already happened keep the newest active key (the one that signs)
-- and retire the others; retired keys stay in the DID document, so what they signed
-- still verifies.
UPDATE signing_keys SET retired_at = created_at
 WHERE retired_at IS NULL
   AND EXISTS (SELECT 1 FROM signing_keys newer
                WHERE newer.org_id = signing_keys.org_id
                  AND newer.retired_at IS NULL
                  AND (newer.created_at > signing_keys.created_at
                       OR (newer.created_at = signing_keys.created_at AND newer.id > signing_keys.id)));

CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys(org_id) WHERE retired_at IS NULL;
