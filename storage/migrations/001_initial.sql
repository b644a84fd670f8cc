-- Schema 1: articles grouped into stories, subscribers with their own schedule,
-- what each subscriber has received, and the delivery outbox.
-- Times are UTC ISO-8601 strings ("2026-11-28T07:00:00+00:00"), which sort as text.

CREATE TABLE stories (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX stories_updated ON stories (updated_at);

CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    story_id     INTEGER NOT NULL REFERENCES stories (id),
    content_hash TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    summary      TEXT NOT NULL,
    facts        TEXT NOT NULL,           -- JSON list of {"kind", "text"}
    source_url   TEXT,
    posted_by    INTEGER,
    posted_at    TEXT NOT NULL
);
CREATE INDEX articles_story ON articles (story_id, posted_at);
CREATE INDEX articles_posted ON articles (posted_at);

CREATE TABLE subscribers (
    chat_id         INTEGER PRIMARY KEY,
    first_name      TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    digest_time     TEXT NOT NULL,        -- "HH:MM" in the subscriber's zone
    tz              TEXT NOT NULL,        -- IANA zone name
    next_digest_at  TEXT,                 -- UTC; NULL while inactive
    last_digest_at  TEXT,                 -- UTC of the last morning digest enqueued
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX subscribers_due ON subscribers (next_digest_at) WHERE active = 1;

-- The outbox: a message is written here before it is sent, so a restart resumes it.
-- dedupe_key makes a second enqueue of the same digest or update impossible.
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES subscribers (chat_id) ON UPDATE CASCADE,
    kind        TEXT NOT NULL,            -- 'digest' | 'update'
    dedupe_key  TEXT NOT NULL UNIQUE,
    parts       TEXT NOT NULL,            -- JSON list of {"text", "buttons"}
    parts_sent  INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | failed
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    not_before  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX deliveries_pending ON deliveries (not_before) WHERE state = 'pending';
CREATE INDEX deliveries_sent ON deliveries (sent_at) WHERE state = 'sent';
CREATE INDEX deliveries_done ON deliveries (created_at) WHERE state <> 'pending';

-- Which articles each subscriber has been given (by a digest in the outbox or a reply),
-- so that no digest repeats them.
CREATE TABLE received (
    chat_id      INTEGER NOT NULL REFERENCES subscribers (chat_id) ON UPDATE CASCADE,
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    delivery_id  INTEGER REFERENCES deliveries (id),
    received_at  TEXT NOT NULL,
    PRIMARY KEY (chat_id, article_id)
) WITHOUT ROWID;
CREATE INDEX received_delivery ON received (delivery_id) WHERE delivery_id IS NOT NULL;
