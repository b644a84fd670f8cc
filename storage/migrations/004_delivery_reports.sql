-- Schema 4: one row per outbox sender run that did any work, so admins can see how the
-- morning broadcast went (/stats shows the latest) without reading logs.

CREATE TABLE delivery_reports (
    id              INTEGER PRIMARY KEY,
    started_at      TEXT NOT NULL,            -- UTC
    finished_at     TEXT NOT NULL,            -- UTC
    seconds         REAL NOT NULL,            -- wall time of the run
    messages        INTEGER NOT NULL,         -- messages Telegram accepted
    deliveries      INTEGER NOT NULL,         -- deliveries completed (every part sent)
    retried         INTEGER NOT NULL,         -- resends after 429, 5xx or network errors
    rate_limited    INTEGER NOT NULL,         -- 429 answers among them
    failed          INTEGER NOT NULL,         -- deliveries given up for good
    newly_inactive  INTEGER NOT NULL,         -- subscribers marked inactive (403, not found)
    migrated        INTEGER NOT NULL,         -- chats moved to a supergroup id
    plain_fallbacks INTEGER NOT NULL,         -- messages resent as plain text
    deferred        INTEGER NOT NULL          -- deliveries put back for a later run
);
CREATE INDEX delivery_reports_finished ON delivery_reports (finished_at);
