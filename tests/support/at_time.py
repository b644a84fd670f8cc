"""`python -m tests.support.at_time ISO-TIME ARGS...`: the `khabar` CLI with its clock stopped at
ISO-TIME, so a subprocess a test starts lives at the same instant as the test's ManualClock.

Story linking, digests and schedules all compare stored times with "now"; a subprocess on the
machine's clock would see the test's fixed date drift into the past as real days go by.
"""

from __future__ import annotations

import sys
from datetime import datetime

from bot import clock


def main(argv: list[str]) -> int:
    when = datetime.fromisoformat(argv[0])
    if when.tzinfo is None:
        raise SystemExit("at_time: the time needs a UTC offset")
    stopped = clock.ManualClock(when)
    # Every front end builds its clock from this class; it is the process's only source of "now".
    clock.SystemClock.now = lambda self: stopped.now()  # type: ignore[method-assign]
    from bot.cli import main as khabar

    return khabar(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
