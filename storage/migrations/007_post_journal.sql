-- Schema 7: posts being worked on. A /post is written here before its slow work (fetching
-- a page, extracting and digesting it) and deleted once its outcome is known. Telegram has
-- already been told the update arrived and never sends it again, so a post interrupted by
-- a crash or a restart is finished (or reported) from here at the next start.

CREATE TABLE post_journal (
    id          INTEGER PRIMARY KEY,
    origin      TEXT NOT NULL,          -- the front end it came through: telegram, terminal
    chat_id     INTEGER NOT NULL,       -- where its outcome is told
    user_id     INTEGER NOT NULL,       -- the admin who posted it
    text        TEXT NOT NULL,          -- the article's text or URL ('' with a file)
    file_name   TEXT,                   -- a posted file: its name and bytes (at most 5 MB)
    file_bytes  BLOB,
    received_at TEXT NOT NULL           -- UTC
);

CREATE INDEX post_journal_origin ON post_journal (origin, id);
