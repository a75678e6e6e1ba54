-- Competency frameworks (CASE): frameworks, competencies, proficiency scales, associations.
-- CASE members Cairn does not interpret are kept verbatim as JSON text (`extra`, `body`), so an
-- export gives back what was imported.

CREATE TABLE frameworks (
    id              BLOB PRIMARY KEY NOT NULL,
    -- The owning organization; NULL for a framework of the whole installation.
    org_id          BLOB REFERENCES organizations(id) ON DELETE CASCADE,
    identifier      TEXT NOT NULL,
    uri             TEXT NOT NULL,
    title           TEXT NOT NULL,
    creator         TEXT NOT NULL,
    publisher       TEXT,
    description     TEXT,
    version         TEXT,
    language        TEXT,
    adoption_status TEXT,
    last_change     TEXT NOT NULL,
    extra           TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX frameworks_owner_identifier
    ON frameworks(COALESCE(org_id, x'00000000000000000000000000000000'), identifier);

CREATE TABLE competencies (
    id                    BLOB PRIMARY KEY NOT NULL,
    framework_id          BLOB NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    identifier            TEXT NOT NULL,
    uri                   TEXT NOT NULL,
    code                  TEXT,
    statement             TEXT NOT NULL,
    abbreviated_statement TEXT,
    kind                  TEXT,
    language              TEXT,
    -- The first isChildOf parent, the top-level ancestor (itself when top-level), depth, and
    -- place in a depth-first walk of the framework.
    parent_id             BLOB REFERENCES competencies(id),
    domain_id             BLOB NOT NULL REFERENCES competencies(id),
    depth                 INTEGER NOT NULL,
    position              INTEGER NOT NULL,
    last_change           TEXT NOT NULL,
    extra                 TEXT NOT NULL,
    UNIQUE (framework_id, identifier)
);
CREATE INDEX competencies_parent ON competencies(parent_id);
CREATE INDEX competencies_domain ON competencies(domain_id);

CREATE TABLE competency_associations (
    id                     BLOB PRIMARY KEY NOT NULL,
    framework_id           BLOB NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    identifier             TEXT NOT NULL,
    uri                    TEXT NOT NULL,
    association_type       TEXT NOT NULL,
    origin_identifier      TEXT NOT NULL,
    origin_uri             TEXT NOT NULL,
    origin_title           TEXT NOT NULL,
    destination_identifier TEXT NOT NULL,
    destination_uri        TEXT NOT NULL,
    destination_title      TEXT NOT NULL,
    sequence_number        INTEGER,
    position               INTEGER NOT NULL,
    last_change            TEXT NOT NULL,
    extra                  TEXT NOT NULL,
    UNIQUE (framework_id, identifier)
);
CREATE INDEX competency_associations_origin ON competency_associations(framework_id, origin_identifier);
CREATE INDEX competency_associations_destination ON competency_associations(framework_id, destination_identifier);

-- A proficiency scale is a CASE CFRubric; the rubric is kept whole in `body`.
CREATE TABLE proficiency_scales (
    id            BLOB PRIMARY KEY NOT NULL,
    framework_id  BLOB NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    identifier    TEXT NOT NULL,
    uri           TEXT NOT NULL,
    title         TEXT,
    description   TEXT,
    position      INTEGER NOT NULL,
    body          TEXT NOT NULL,
    UNIQUE (framework_id, identifier)
);

-- The levels of a scale (its rubric's criterion levels), for alignments to refer to.
CREATE TABLE proficiency_levels (
    id                   BLOB PRIMARY KEY NOT NULL,
    scale_id             BLOB NOT NULL REFERENCES proficiency_scales(id) ON DELETE CASCADE,
    criterion_identifier TEXT NOT NULL,
    identifier           TEXT NOT NULL,
    uri                  TEXT NOT NULL,
    name                 TEXT,
    descriptor           TEXT,
    score                TEXT,
    -- 1 for the first level of the scale, 2 for the next, …
    ordinal              INTEGER NOT NULL,
    UNIQUE (scale_id, identifier)
);

-- CFDefinitions: concepts, subjects, licences, item types, association groupings.
CREATE TABLE framework_definitions (
    framework_id  BLOB NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    identifier    TEXT NOT NULL,
    uri           TEXT NOT NULL,
    title         TEXT NOT NULL,
    position      INTEGER NOT NULL,
    body          TEXT NOT NULL,
    PRIMARY KEY (framework_id, kind, identifier)
);
