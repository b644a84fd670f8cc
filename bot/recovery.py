"""Finishing the posts a stopped, crashed or killed bot left in the post journal.

Telegram confirms an update before the bot has worked it out and never sends it again, so
an interrupted `/post` survives only as its journal entry (storage.post_journal). At the
next start each front end re-runs its own entries through the same post path (storing is
deduplicated by content, so a post that was in fact stored comes back as a duplicate) and
tells the admin's chat what became of it. An entry is deleted only after its chat accepted
that message: a crash in between tells the admin again rather than never.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from zoneinfo import ZoneInfo

from bot import texts
from bot.commands import Khabar
from bot.handlers.editing import PostOutcome, post_outcome
from bot.outbox.transport import BadEntities, RateLimited, Transient, Transport
from bot.replies import Document, Incoming, Reply, fit_parts
from bot.tasks import finish_or_cancel
from digests.dates import format_date_time
from digests.render import escape
from storage import post_journal
from storage.post_journal import JournaledPost

log = logging.getLogger(__name__)

# Waits between attempts to tell an admin while Telegram cannot be reached: from the
# outbox's first retry wait (KHABAR_RETRY_BASE_SECONDS), doubling, at least this much after
# the first (so a base of 0 never spins) and at most this much.
MIN_RETRY_SECONDS = 0.1
MAX_RETRY_SECONDS = 30.0
WHAT_CHARS = 60  # how much of a pasted article names it in the message


async def interrupted_posts(khabar: Khabar, chat_id: int | None = None) -> list[JournaledPost]:
    """The posts this front end left unfinished. Read before the front end takes new
    messages, so a post being worked on now is never mistaken for an interrupted one."""
    return await post_journal.pending(khabar.db, khabar.ctx.origin, chat_id)


class PostRecovery:
    """Finishes interrupted posts one after another, as a task beside the running bot."""

    def __init__(self, khabar: Khabar, transport: Transport, posts: list[JournaledPost]) -> None:
        self.khabar = khabar
        self.transport = transport
        self.posts = posts
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[int] | None = None

    def start(self) -> None:
        if self.posts and self._task is None:
            self._task = asyncio.create_task(self.run(), name="khabar-post-recovery")

    async def stop(self, timeout: float = 10.0) -> None:
        """The bot is stopping (its fetches already ended: see Khabar.stop_fetching): let
        the post in hand finish or go back to the journal, then end."""
        self._stopping.set()
        if self._task is None:
            return
        try:
            await finish_or_cancel(self._task, timeout)
        except Exception:
            log.exception("finishing interrupted posts failed")
        self._task = None

    async def run(self) -> int:
        """Finish every post, or stop at the first one the stopping bot could not (it stays
        journaled); returns how many were finished and told."""
        done = 0
        for post in self.posts:
            if self._stopping.is_set():
                break
            outcome = await finish(self.khabar, post)
            if not outcome.final:
                break
            message = Reply(announcement(self.khabar, post, outcome))
            if not await self._tell(post.chat_id, message):
                break
            await post_journal.remove(self.khabar.db, post.id)
            done += 1
            log.info("interrupted post %d finished and told to chat %d", post.id, post.chat_id)
        return done

    async def _tell(self, chat_id: int, message: Reply) -> bool:
        """Send until the chat accepts it; False if the bot stopped first. A chat that is
        gone or a message refused for good is logged and counts as told: retrying it at
        every start would never help."""
        for part in fit_parts([message]):
            plain = False
            delay = self.khabar.settings.retry_base
            while True:
                try:
                    await self.transport.send(chat_id, part, plain=plain)
                    break
                except BadEntities:
                    if plain:
                        log.error("chat %d refused our plain text too", chat_id)
                        return True
                    plain = True  # HTML the chat cannot parse: the words still matter
                except (RateLimited, Transient) as exc:
                    wait = exc.retry_after if isinstance(exc, RateLimited) else delay
                    delay = min(max(delay * 2, MIN_RETRY_SECONDS), MAX_RETRY_SECONDS)
                    log.warning(
                        "could not tell chat %d about its interrupted post (%s); retrying",
                        chat_id,
                        exc,
                    )
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stopping.wait(), wait)
                    if self._stopping.is_set():
                        return False
                except Exception as exc:
                    log.warning(
                        "could not tell chat %d about its interrupted post: %s", chat_id, exc
                    )
                    return True
        return True


async def finish(khabar: Khabar, post: JournaledPost) -> PostOutcome:
    """Run a journaled post again, as its admin sent it; never raises."""
    if not khabar.is_admin(post.user_id):  # taken out of KHABAR_ADMINS since
        return PostOutcome(Reply(texts.NOT_ADMIN))
    document = None
    if post.file is not None:
        document = Document(post.file.name, post.file.content)
    msg = Incoming(post.user_id, post.chat_id, post.text, document=document)
    try:
        return await post_outcome(khabar.ctx, msg, post.text)
    except Exception:
        log.exception("interrupted post %d failed again", post.id)
        return PostOutcome(Reply(texts.INTERNAL_ERROR))


def announcement(khabar: Khabar, post: JournaledPost, outcome: PostOutcome) -> str:
    """The admin's message: which post, when it was sent, then its usual reply."""
    zone = ZoneInfo(khabar.settings.tz)
    head = texts.RECOVERED_DONE if outcome.stored else texts.RECOVERED_FAILED
    when = format_date_time(post.received_at.astimezone(zone))
    return head.format(when=when, what=describe_input(post)) + "\n\n" + outcome.reply.text


def describe_input(post: JournaledPost) -> str:
    """The post as its admin will recognise it: the file's name, the URL, or how the
    article began (escaped HTML)."""
    if post.file is not None:
        return texts.RECOVERED_FILE.format(name=escape(post.file.name))
    first = post.text.strip().splitlines()[0] if post.text.strip() else ""
    if len(first) > WHAT_CHARS:
        first = first[:WHAT_CHARS].rstrip() + "…"
    return escape(first)
