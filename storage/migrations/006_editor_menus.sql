-- Schema 6: the chats that were given the editors' command menu, so that the menu can be
-- taken back from someone who is no longer in KHABAR_ADMINS (Telegram keeps a per-chat
-- menu until it is deleted, and cannot list the chats that have one).

CREATE TABLE editor_menus (
    chat_id INTEGER PRIMARY KEY,
    set_at  TEXT NOT NULL          -- UTC, when the menu was last set
);
