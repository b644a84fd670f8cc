-- Schema 2: the story-linking index (storage/linking.py).
-- story_profiles: each story's running term signature (digests.linking.serialize).
-- story_terms: the profile's heaviest terms, looked up by (term, last_update) so a new
--   article only meets stories that share one of its distinctive terms and are not quiet.
-- term_df: in how many article signatures each term appears, for idf; link_meta holds the
--   article count N and the backfill marker.

CREATE TABLE story_profiles (
    story_id     INTEGER PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
    signature    TEXT NOT NULL,
    size         INTEGER NOT NULL,
    last_update  TEXT NOT NULL
);

CREATE TABLE story_terms (
    story_id     INTEGER NOT NULL REFERENCES story_profiles (story_id) ON DELETE CASCADE,
    term         TEXT NOT NULL,
    last_update  TEXT NOT NULL,
    PRIMARY KEY (story_id, term)
) WITHOUT ROWID;
CREATE INDEX story_terms_lookup ON story_terms (term, last_update);

CREATE TABLE term_df (
    term  TEXT PRIMARY KEY,
    df    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE link_meta (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO link_meta (name, value) VALUES ('articles', 0);

-- Articles stored under schema 1 have no profile yet: signatures need the Python text
-- pipeline, so the migration only leaves this marker and storage.linking.backfill(db),
-- called once after Database.open(), builds them and clears it.
INSERT INTO link_meta (name, value)
SELECT 'backfill_pending', 1 WHERE EXISTS (SELECT 1 FROM articles);
