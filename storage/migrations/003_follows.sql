-- Schema 3: readers follow stories; quiet hours per subscriber. What a reader already knows
-- of a story is not stored separately: it is the facts of the articles they received.

CREATE TABLE follows (
    chat_id     INTEGER NOT NULL REFERENCES subscribers (chat_id) ON UPDATE CASCADE,
    story_id    INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (chat_id, story_id)
) WITHOUT ROWID;
CREATE INDEX follows_story ON follows (story_id);

-- Updates that would arrive between quiet_start and quiet_end (local time) wait for the
-- morning digest; both NULL means quiet hours are off.
ALTER TABLE subscribers ADD COLUMN quiet_start TEXT DEFAULT '22:00';
ALTER TABLE subscribers ADD COLUMN quiet_end TEXT DEFAULT '07:00';

-- An article that continued a story owes its followers an update. The flag is set in the
-- posting transaction and cleared once every follower's update is in the outbox, so a
-- crash in between (or an article stored by `khabar ingest`) still reaches them.
ALTER TABLE articles ADD COLUMN updates_pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX articles_updates_pending ON articles (id) WHERE updates_pending = 1;
