"""Moves the wall clock of every Python process that has this folder on PYTHONPATH a year
ahead (CLOCK_AHEAD_DAYS to change it), so CI can prove that no test depends on today's date.

pytest and every `khabar` subprocess a test starts inherit PYTHONPATH, so all of them agree
on the shifted date. time-machine shifts what Python reads as the date (time.time,
datetime.now, date.today ...) and leaves the monotonic clock alone, so timeouts and sleeps
behave as usual; Debian's libfaketime shifts the monotonic clock too, and then timed waits
on a thread (threading.Event.wait) last for the shifted year.
"""

import datetime
import os

import time_machine

_ahead = datetime.timedelta(days=float(os.environ.get("CLOCK_AHEAD_DAYS", "365")))
time_machine.travel(datetime.datetime.now(datetime.UTC) + _ahead, tick=True).start()
