"""SQLite storage for Khabar: the only package that knows SQL."""

from storage.db import Database

__all__ = ["Database"]
