-- Schema 3: readers follow stories, and we remember which facts each follower was shown,
-- so a follow-up update says only what is new to them. Quiet hours per subscriber.

CREATE TABLE follows (
    chat_id     INTEGER NOT NULL REFERENCES subscribers (chat_id) ON UPDATE CASCADE,
    story_id    INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (chat_id, story_id)
) WITHOUT ROWID;
CREATE INDEX follows_story ON follows (story_id);

CREATE TABLE seen_facts (
    chat_id     INTEGER NOT NULL REFERENCES subscribers (chat_id) ON UPDATE CASCADE,
    story_id    INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    fact        TEXT NOT NULL,
    PRIMARY KEY (chat_id, story_id, fact)
) WITHOUT ROWID;

-- Updates that would arrive between quiet_start and quiet_end (local time) wait for the
-- morning digest; both NULL means quiet hours are off.
ALTER TABLE subscribers ADD COLUMN quiet_start TEXT DEFAULT '22:00';
ALTER TABLE subscribers ADD COLUMN quiet_end TEXT DEFAULT '07:00';
