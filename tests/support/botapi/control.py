"""The control API: ``/_control/*`` routes that let another process (a benchmark, a crash
script) inspect and steer a fake server it did not start in-process.

Served only when the server is built with ``control=True`` (the standalone process is).
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.support.botapi.records import Upload

if TYPE_CHECKING:
    from tests.support.botapi.server import FakeBotAPI


def _jsonable(value: Any) -> Any:
    if isinstance(value, Upload):
        return value.as_dict()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def control_routes(api: FakeBotAPI) -> list[tuple[str, str, Callable[[web.Request], Any]]]:
    """``/_control/*``: let a benchmark or crash script inspect and steer a server process.

    GET ``sent`` (messages, per-chat counts, fault counters), ``counts`` (totals only),
    ``requests``, ``commands``, ``updates``; POST ``<action>`` with a JSON object of keyword
    arguments, where action is one of add_chat, add_chats, block, unblock, deactivate, kick,
    migrate, fail_next, drop_next, set_delay, enforce_limits, disable_limits, limit_window,
    clear_faults,
    reset_records, push_message (``document`` as ``{"file_name", "mime_type",
    "content"|"content_base64"}``), push_callback.
    """

    async def sent(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "sent": [s.as_dict() for s in api.sent],
                "count": len(api.sent),
                "count_by_chat": {str(k): v for k, v in api.count_by_chat().items()},
                "faults": dict(api.faults),
                "requests_by_method": dict(Counter(c.method for c in api.requests)),
                "pending_updates": len(api.pending_updates),
                "edits": api.edits,
                "callback_answers": api.callback_answers,
            }
        )

    async def requests(request: web.Request) -> web.Response:
        return web.json_response(
            [
                {"method": c.method, "params": _jsonable(c.params), "at": c.at, "token": c.token}
                for c in api.requests
            ]
        )

    async def counts(request: web.Request) -> web.Response:
        """Totals only: what a benchmark with 100k messages can afford to ask for."""
        per_chat = Counter(s.chat_id for s in api.sent)
        times = [s.at for s in api.sent]
        return web.json_response(
            {
                "count": len(api.sent),
                "chats": len(per_chat),
                "max_per_chat": max(per_chat.values(), default=0),
                "duplicated": sum(n - 1 for n in per_chat.values() if n > 1),
                "first_at": min(times, default=None),
                "last_at": max(times, default=None),
                "busiest_second": api.busiest(),
                "faults": dict(api.faults),
                "requests_by_method": dict(Counter(c.method for c in api.requests)),
            }
        )

    async def commands(request: web.Request) -> web.Response:
        return web.json_response(
            {f"{scope}|{lang}": cmds for (scope, lang), cmds in api.commands_by_scope.items()}
        )

    async def updates(request: web.Request) -> web.Response:
        return web.json_response(api.pending_updates)

    actions: dict[str, Callable[..., Any]] = {
        "add_chat": api.add_chat,
        "add_chats": api.add_chats,
        "block": api.block,
        "unblock": api.unblock,
        "deactivate": api.deactivate,
        "kick": api.kick,
        "migrate": api.migrate,
        "fail_next": api.fail_next,
        "drop_next": api.drop_next,
        "set_delay": api.set_delay,
        "enforce_limits": api.enforce_limits,
        "disable_limits": api.disable_limits,
        "limit_window": api.limit_window,
        "clear_faults": api.clear_faults,
        "reset_records": api.reset_records,
        "push_message": api.push_message,
        "push_callback": api.push_callback,
    }

    async def act(request: web.Request) -> web.Response:
        action = actions.get(request.match_info["action"])
        if action is None:
            return web.json_response({"ok": False, "description": "unknown action"}, status=404)
        kwargs = await request.json() if request.can_read_body else {}
        document = kwargs.get("document")
        if isinstance(document, dict):
            content = (
                base64.b64decode(document["content_base64"])
                if "content_base64" in document
                else str(document.get("content", "")).encode("utf-8")
            )
            kwargs["document"] = (
                document["file_name"],
                content,
                document.get("mime_type", "text/plain"),
            )
        try:
            result = action(**kwargs)
        except (TypeError, KeyError, ValueError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "result": _jsonable(result)})

    return [
        ("GET", "/_control/sent", sent),
        ("GET", "/_control/requests", requests),
        ("GET", "/_control/counts", counts),
        ("GET", "/_control/commands", commands),
        ("GET", "/_control/updates", updates),
        ("POST", "/_control/{action}", act),
    ]
