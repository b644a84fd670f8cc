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
