"""The HTTP side of the fake: starting and stopping it, routing ``/bot<token>/<method>`` and
file downloads, applying injected faults in Telegram's order, and shaping error answers.

:class:`FakeBotAPI` is the class tests use; everything it can do as a Bot API or a test
fixture comes from the layers below it (``state``, ``updates``, ``faults``, ``methods``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from typing import Self

from aiohttp import web

from tests.support.botapi.control import control_routes
from tests.support.botapi.faults import FailRule
from tests.support.botapi.methods import HANDLERS, METHOD_NAMES, BotApiMethods
from tests.support.botapi.params import ApiError, bad, loose_chat_id
from tests.support.botapi.records import JSON, ApiCall, Upload

_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "reply_parameters",
        "link_preview_options",
    }
)
_BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class FakeBotAPI(BotApiMethods):
    """An in-memory Telegram Bot API on 127.0.0.1, with recording and fault injection.

    All state lives on the event loop that runs the server; call the helpers from that loop
    (tests do so naturally). Any token is accepted; the bot id is the token's numeric prefix.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_first_name: str = "Khabar",
        bot_username: str = "khabar_test_bot",
        strict_entities: bool = True,
        control: bool = False,
    ) -> None:
        """Configure the server; nothing listens until :meth:`start`.

        ``strict_entities`` rejects ``&nbsp;``-style references that Telegram would show raw;
        pass ``False`` for exact Telegram behaviour. ``control`` enables ``/_control/*``.
        """
        self.host = host
        self.port = port
        self.bot_first_name = bot_first_name
        self.bot_username = bot_username
        self.strict_entities = strict_entities
        self.control = control
        super().__init__()
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """What ``ApplicationBuilder().base_url()`` takes; PTB appends ``<token>/<method>``."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What ``ApplicationBuilder().base_file_url()`` takes."""
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def control_url(self) -> str:
        """Root of the control endpoints (only served when ``control=True``)."""
        return f"http://{self.host}:{self.port}/_control"

    async def start(self) -> None:
        """Bind (port 0 picks a free port, then ``self.port`` holds the real one) and serve."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        if self.control:
            for route in control_routes(self):
                app.router.add_route(*route)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        self._closing = False
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Release a pending long poll (answers ``[]``) and close every connection."""
        self._closing = True
        self._wake_poller("closing")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ HTTP plumbing

    async def _read_params(self, request: web.Request) -> JSON:
        params: JSON = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    params.update(body)
            else:
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        params[key] = Upload(value.filename, value.content_type, value.file.read())
                    else:
                        params[key] = value
        for key in _JSON_FIELDS & params.keys():
            if isinstance(params[key], str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        return params

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        requested = request.match_info["method"]
        method = METHOD_NAMES.get(requested.lower(), requested)
        try:
            params = await self._read_params(request)
        except (ValueError, UnicodeDecodeError):
            return self._error_response(method, None, bad("can't parse request body"))
        arrived = time.monotonic()
        self.requests.append(
            ApiCall(method, params, arrived, request.method, request.match_info["token"])
        )
        self._bot_id = _bot_id_from_token(request.match_info["token"], self._bot_id)
        self._notify()
        chat_id = loose_chat_id(params.get("chat_id"))
        over = self._check_window(method, arrived)
        if over is not None:
            return self._error_response(method, chat_id, over)

        if self._take_drop(method):
            self.faults["dropped"] += 1
            request.protocol.force_close()
            return web.Response(status=204)
        if delay := self._delay_for(method):
            await asyncio.sleep(delay)
        rule = self._take_fail(method, chat_id)
        if rule is not None:
            return self._injected_response(method, chat_id, rule)

        handler = HANDLERS.get(method)
        if handler is None:
            self.faults["not_found"] += 1
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        try:
            result = await handler(self, params, request)
        except ApiError as error:
            return self._error_response(method, chat_id, error)
        return web.json_response({"ok": True, "result": result})

    def _error_response(self, method: str, chat_id: int | None, error: ApiError) -> web.Response:
        self.faults[error.kind] += 1
        self.errors.append(
            {
                "method": method,
                "chat_id": chat_id,
                "status": error.status,
                "description": error.description,
            }
        )
        body: JSON = {"ok": False, "error_code": error.status, "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        self._notify()
        return web.json_response(body, status=error.status)

    def _injected_response(self, method: str, chat_id: int | None, rule: FailRule) -> web.Response:
        if rule.status == 502 and rule.description is None:
            self.faults["injected_502"] += 1
            self.errors.append(
                {"method": method, "chat_id": chat_id, "status": 502, "description": "Bad Gateway"}
            )
            return web.Response(status=502, text=_BAD_GATEWAY_HTML, content_type="text/html")
        defaults = {
            429: f"Too Many Requests: retry after {rule.retry_after}",
            500: "Internal Server Error",
            400: "Bad Request: injected failure",
            403: "Forbidden: injected failure",
            409: "Conflict: injected failure",
        }
        description = rule.description or defaults.get(rule.status, "Injected failure")
        parameters = {"retry_after": rule.retry_after} if rule.retry_after is not None else None
        error = ApiError(
            rule.status, description, kind=f"injected_{rule.status}", parameters=parameters
        )
        return self._error_response(method, chat_id, error)

    async def _handle_unknown_path(self, request: web.Request) -> web.StreamResponse:
        """Telegram answers JSON 404 even for paths that are not ``/bot<token>/<method>``."""
        self.faults["not_found"] += 1
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=stored.content, content_type="application/octet-stream")


def _bot_id_from_token(token: str, default: int) -> int:
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else default
