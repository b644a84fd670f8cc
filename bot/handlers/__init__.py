"""The bot's commands, grouped by who uses them; `bot.commands` dispatches to them.

Every handler is `async (ctx, msg, args) -> list[Reply]` with no Telegram types, so the
Telegram front end, the terminal chat and the tests all reach the same code.
"""
