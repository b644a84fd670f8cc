"""Where articles come from, up to the raw text the digest pipeline takes (a `Source`).

- `sources`: the `Source`, and what a pasted text, an uploaded file, a page or a chat
  message becomes.
- `files`: bounded reads of a file or standard input the user named, and bounded JSONL lines.
- `urls`: fetching a page with one deadline, refusing addresses inside the bot's network.
- `targets`: what a `khabar ingest` / `summarize` argument names (standard input, a file, a
  folder, a URL), storing each, and the short Hindi reason one could not be stored.

A new kind of source (a feed) is one more module here that yields `Source`s; storing and
linking them is `bot.posting`'s job. Nothing is imported here: `khabar summarize --jsonl`
loads only `files`.
"""
