-- Schema 5: story numbers are never reused, and a story's title follows its newest article.
--
-- A story emptied by an admin's /move used to be deleted, and SQLite then handed its number
-- to the next new story, so old 🔔 #N buttons, story_N deep links and earlier messages
-- pointed at a different story. Emptied stories now stay as rows without articles (kept out
-- of /stories and digests by storage/stories.py), and moved_to names the story their
-- articles went to, so /story N can say where they are.
ALTER TABLE stories ADD COLUMN moved_to INTEGER REFERENCES stories (id);

-- The title was the first article's headline forever; from now on storage/stories.py
-- refreshes it to the newest article's whenever a story gains or loses an article.
UPDATE stories SET title = (
    SELECT a.title FROM articles a WHERE a.story_id = stories.id
    ORDER BY a.posted_at DESC, a.id DESC LIMIT 1
) WHERE EXISTS (SELECT 1 FROM articles a WHERE a.story_id = stories.id);

-- Following used to mark every article the story had as received, at the follow's own
-- created_at and with no delivery, so a story followed before this upgrade stayed out of
-- the reader's digests although nothing of it reached them. Following marks nothing now:
-- drop exactly those rows (no delivery, received at the second the chat followed the
-- article's story), never a row that a digest or update delivered.
DELETE FROM received WHERE delivery_id IS NULL AND EXISTS (
    SELECT 1 FROM follows f JOIN articles a ON a.story_id = f.story_id
    WHERE f.chat_id = received.chat_id AND a.id = received.article_id
      AND f.created_at = received.received_at
);
