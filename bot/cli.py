"""`khabar`: run the bot on Telegram or in the terminal, summarise and ingest articles."""

from __future__ import annotations

import json
import sys
from functools import partial

# Only what every command needs is imported here. `khabar summarize --jsonl` is run on whole
# files of articles, so its start-up counts: the bot's settings, HTTP client, storage and
# Telegram layers (httpx, sqlite, asyncio) are imported inside the commands that use them,
# and typing is not imported at all. Nor is logging for `summarize`: nothing on its path
# logs, so there is nothing to configure unless -v asks for it. Nor is argparse for
# `summarize --jsonl IN` alone (see _plain_jsonl_run). Nor is pathlib: the commands that use
# it import it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    import logging
    from collections.abc import Sequence

    from bot.config import Settings


def _settings(args: argparse.Namespace) -> Settings:
    from pathlib import Path

    from bot.config import Settings

    settings = Settings.from_env()
    if getattr(args, "db", None):
        settings = settings.with_(db_path=Path(args.db).expanduser())
    return settings


# Libraries the article pipeline uses that log their own ERROR/WARNING lines for an input
# they cannot parse (trafilatura on a .txt page, for one). Khabar already tells the user
# what happened; in the terminal chat those lines landed among the replies.
CHATTY_LIBRARIES = (
    "trafilatura",
    "htmldate",
    "courlan",
    "justext",
    "readability",
    "charset_normalizer",
)


def _logging(verbose: bool, default: str, quiet_libraries: bool = False) -> None:
    """Configure logging to stderr; `quiet_libraries` silences CHATTY_LIBRARIES unless -v."""
    import logging

    logging.basicConfig(
        level="DEBUG" if verbose else default,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if not verbose:
        for handler in logging.getLogger().handlers:
            handler.addFilter(_short_busy_error)
        # The digest tick runs every 30 s; APScheduler would log each run at INFO.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        if quiet_libraries:
            for name in CHATTY_LIBRARIES:
                logging.getLogger(name).setLevel(logging.CRITICAL)


def _short_busy_error(record: logging.LogRecord) -> bool:
    """A logged "database is locked" as one line: another process held the database's
    write lock past the storage layer's patience, and its traceback tells nothing more."""
    from storage.errors import Busy

    failure = record.exc_info[1] if record.exc_info else None
    engine = type(failure).__module__ == "sqlite3"  # one that reached a log unwrapped
    if isinstance(failure, Busy) or (
        engine and any(word in str(failure).lower() for word in ("locked", "busy"))
    ):
        from bot import texts

        record.msg = texts.DATABASE_BUSY_LOG.format(message=record.getMessage(), failure=failure)
        record.args = None
        record.exc_info = record.exc_text = None
    return True


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not settings.token:
        from bot import texts

        print(texts.NO_TOKEN, file=sys.stderr)
        return 2
    from bot import texts
    from bot.telegram.lifecycle import StartupError, run
    from storage.errors import AlreadyRunning
    from storage.runlock import hold_run_lock

    try:
        # Held for the whole run, before the database opens or Telegram is contacted: a
        # second bot on the same outbox would send every message twice.
        with hold_run_lock(settings.db_path):
            run(settings)
    except AlreadyRunning as exc:
        holder = "" if exc.pid is None else texts.ALREADY_RUNNING_HOLDER.format(pid=exc.pid)
        print(texts.ALREADY_RUNNING.format(holder=holder, path=exc.path), file=sys.stderr)
        return 2
    except StartupError as exc:
        # Token-free by construction, and a traceback would tell the operator nothing more.
        print(exc, file=sys.stderr)
        return 2
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    import asyncio

    from bot.console import run_console

    return asyncio.run(run_console(_settings(args), user_id=args.user, demo=args.demo))


def _file_error(target: str, exc: OSError) -> str:
    from bot import texts
    from bot.ingest.files import os_reason

    return texts.CLI_FILE_ERROR.format(path=target, reason=os_reason(exc))


def cmd_summarize(args: argparse.Namespace) -> int:
    if args.jsonl is not None:
        return _summarize_jsonl(args.jsonl)
    from bot import texts

    if args.file is None:
        print(texts.SUMMARIZE_USAGE, file=sys.stderr)
        return 2
    from bot.ingest.sources import UndecodableFile, UnsupportedFile, read_input
    from digests.article import ArticleError, digest_article

    try:
        source = read_input(args.file)
        article = digest_article(source.text, source.title)
    except OSError as exc:
        print(_file_error(args.file, exc), file=sys.stderr)
        return 1
    except (UnsupportedFile, UndecodableFile, ArticleError) as exc:
        from bot.ingest.targets import failure_reason

        print(texts.SUMMARIZE_FAILED.format(reason=failure_reason(exc)), file=sys.stderr)
        return 1
    if args.json:
        payload = {
            "title": article.title,
            "summary": article.summary,
            "facts": [{"kind": f.kind, "text": f.text} for f in article.facts],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(texts.SUMMARY.format(title=article.title, summary=article.summary))
        for fact in article.facts:
            print(f"  • [{fact.kind}] {fact.text}")
    return 0


def _summarize_jsonl(target: str) -> int:
    """One output line per non-blank input line, in order; bad lines get {"id", "error"}."""
    from bot.ingest.files import open_lines
    from digests.batch import LINE_TOO_LONG, digest_line

    # One encoder for the run: json.dumps(row, ensure_ascii=False) builds one per line. A
    # result is a fresh tree of dicts, lists and strings, never circular: the check for
    # cycles (an id kept per container) is skipped, a noticeable share of the encoding.
    # digest_line never returns NaN or infinities; allow_nan=False makes sure no line is ever
    # written that strict JSON readers refuse.
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False, allow_nan=False).encode
    out = sys.stdout.buffer
    try:
        for line in open_lines(target):
            if line is None:
                out.write((encode(LINE_TOO_LONG) + "\n").encode("utf-8"))
            elif line and not line.isspace():  # (line.strip() copied every line to tell)
                out.write((encode(digest_line(line)) + "\n").encode("utf-8"))
        out.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error. Point stdout at devnull so the
        # interpreter's final flush does not complain either.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(_file_error(target, exc), file=sys.stderr)
        return 1
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """ROUGE of Khabar's summaries and of Lead-2 against a references JSONL file."""
    from pathlib import Path

    from bot import texts
    from bot.ingest.files import open_lines
    from digests.evaluation import Reference, evaluate, format_evaluation

    references: list[Reference] = []
    skipped = 0
    try:
        for line in open_lines(args.refs):
            if args.limit is not None and len(references) >= args.limit:
                break
            if line is None:
                skipped += 1
                continue
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                references.append(Reference(row["text"], row["summary"], row.get("title")))
            except (ValueError, KeyError, TypeError):
                skipped += 1
    except OSError as exc:
        print(_file_error(args.refs, exc), file=sys.stderr)
        return 1
    if not references:
        print(texts.EVAL_NO_ARTICLES, file=sys.stderr)
        return 1
    print(format_evaluation(evaluate(references), Path(args.refs).name))
    if skipped:
        print(f"({skipped} lines without text/summary were skipped)")
    return 0


async def _ingest(settings: Settings, targets: Sequence[str]) -> int:
    """Store each target; one tab-separated line per article, errors included (README)."""
    from bot.clock import SystemClock
    from bot.database import database
    from bot.ingest.targets import ingest

    failures = 0
    async with database(settings.db_path) as db:
        async for done in ingest(db, targets, settings, SystemClock()):
            if done.result is None:
                failures += 1
                print(f"-\terror\t{done.target}\t{done.problem}")
                continue
            state = "duplicate" if done.result.duplicate else "new"
            title = done.result.article.title
            print(f"#{done.result.story_id}\t{state}\t{done.target}\t{title}")
    return 1 if failures else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    import asyncio

    # A file name that is not UTF-8 reaches Python as lone surrogates; written back as
    # the same bytes, its line names the file as the shell does instead of crashing print.
    sys.stdout.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
    return asyncio.run(_ingest(_settings(args), args.targets))


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(prog="khabar", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="the Telegram bot (long polling)")
    run.add_argument("--db", help="SQLite file (default: $KHABAR_DB or the per-user default)")
    run.set_defaults(func=cmd_run, log_level="INFO")

    chat = sub.add_parser("chat", help="the bot in the terminal, no token needed")
    chat.add_argument("--db", help="SQLite file")
    chat.add_argument("--user", type=int, default=1, help="act as this user id (1 = admin)")
    chat.add_argument("--demo", action="store_true", help="load the bundled demo articles")
    chat.set_defaults(func=cmd_chat, log_level="WARNING", quiet_libraries=True)

    summarize = sub.add_parser("summarize", help="title, summary and key facts of one article")
    # One input or the other: given both, one of them would be ignored without a word.
    source = summarize.add_mutually_exclusive_group()
    source.add_argument("file", nargs="?", help="a .txt/.html file, or - for standard input")
    summarize.add_argument("--json", action="store_true", help="print JSON")
    source.add_argument(
        "--jsonl",
        metavar="IN",
        help='JSONL file (or -) with "id", "text" and optional "title" per line; '
        'prints one {"id", "summary", "facts"} or {"id", "error"} line each '
        "(a line without id gets the error missing_id)",
    )
    summarize.set_defaults(func=cmd_summarize, log_level=None)

    evaluate = sub.add_parser("eval", help="ROUGE of the summaries and of Lead-2 vs references")
    evaluate.add_argument(
        "--refs", required=True, metavar="FILE", help='JSONL with "text", "summary", "title"'
    )
    evaluate.add_argument("--limit", type=int, help="only the first N articles")
    evaluate.set_defaults(func=cmd_eval, log_level="WARNING")

    ingest = sub.add_parser("ingest", help="store articles from files, folders or URLs")
    ingest.add_argument("targets", nargs="+", metavar="PATH|URL")
    ingest.add_argument("--db", help="SQLite file")
    ingest.set_defaults(func=cmd_ingest, log_level="WARNING", quiet_libraries=True)
    return parser


def _plain_jsonl_run(argv: Sequence[str]) -> str | None:
    """IN when the command line is exactly `summarize --jsonl IN`, else None.

    That batch command is recognised without argparse, whose import, message translation
    look-ups and terminal sizing for the help are a sizeable part of the command's start-up.
    Any other command line, or an IN that argparse might read as an option, is parsed as
    always (an IN that is "-" is standard input, for both).
    """
    if len(argv) == 3 and argv[0] == "summarize" and argv[1] == "--jsonl":
        target = argv[2]
        if target == "-" or not target.startswith("-"):
            return target
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    jsonl = _plain_jsonl_run(argv)
    if jsonl is not None:
        command = partial(_summarize_jsonl, jsonl)
    else:
        args = build_parser().parse_args(argv)
        if args.log_level is not None or args.verbose:
            quiet = getattr(args, "quiet_libraries", False)
            _logging(args.verbose, args.log_level or "WARNING", quiet)
        command = partial(args.func, args)
    try:
        return int(command())
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # ConfigError and DatabaseUnavailable come only from commands that imported their
        # modules; looked up here so `summarize` need not import them.
        config = sys.modules.get("bot.config")
        if config is not None and isinstance(exc, config.ConfigError):
            from bot import texts

            print(texts.CONFIG_ERROR.format(error=exc), file=sys.stderr)
            return 2
        errors = sys.modules.get("storage.errors")
        if errors is not None and isinstance(exc, errors.DatabaseUnavailable):
            from bot.database import unavailable_line

            print(unavailable_line(exc), file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
