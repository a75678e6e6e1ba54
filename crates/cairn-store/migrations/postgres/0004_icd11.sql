-- ICD-11 MMS: the loaded release and its chapters, blocks and categories (extension codes,
-- chapter X, are categories too). Rows keep WHO's order (seq); titles are stored verbatim.

CREATE TABLE icd11_release (
    -- One release is loaded at a time; an import replaces it whole.
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    version      TEXT NOT NULL,
    source       TEXT NOT NULL,
    imported_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE icd11_entities (
    seq             INTEGER PRIMARY KEY,
    uri             TEXT NOT NULL UNIQUE,
    foundation_uri  TEXT,
    code            TEXT UNIQUE,
    block_id        TEXT,
    title           TEXT NOT NULL,
    -- Lower-cased title, for word search with LIKE on both backends.
    title_lower     TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('chapter','block','category')),
    depth           INTEGER NOT NULL,
    parent_seq      INTEGER REFERENCES icd11_entities(seq),
    chapter         TEXT NOT NULL,
    is_leaf         BOOLEAN NOT NULL,
    is_residual     BOOLEAN NOT NULL,
    is_extension    BOOLEAN NOT NULL
);
CREATE INDEX icd11_entities_parent ON icd11_entities(parent_seq);
CREATE INDEX icd11_entities_kind ON icd11_entities(kind, chapter);
