"""``python -m tests.support.botapi``: run the fake as a standalone process."""

from tests.support.botapi.cli import main

main()
