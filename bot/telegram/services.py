"""The services the Telegram front end shares between its handlers, jobs and stages.

python-telegram-bot keeps them as the application's `bot_data`, here of the type
`Services` (see `CONTEXT_TYPES`) instead of a dict: a misspelt service is then an
attribute error a type checker sees, not a KeyError at run time. Every field starts
empty: the database opens before Telegram is contacted, the rest in post_init, and a
stop may come between any two of them, so each stage releases only what is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.commands import Khabar
from bot.recovery import PostRecovery
from bot.runner import Runner
from bot.telegram.transport import TelegramTransport
from storage.db import Database


@dataclass(eq=False)
class Services:
    """What one running bot holds; empty until its stage has created it."""

    db: Database | None = None
    transport: TelegramTransport | None = None
    khabar: Khabar | None = None
    runner: Runner | None = None
    recovery: PostRecovery | None = None


CONTEXT_TYPES = ContextTypes(bot_data=Services)

# What the handlers and jobs receive: `context.bot_data` is the application's Services.
Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Services]


def services(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    """The Services of an application built by `bot.telegram.app.build_application`."""
    held = application.bot_data
    if not isinstance(held, Services):
        raise TypeError("the application was not built with CONTEXT_TYPES")
    return held
