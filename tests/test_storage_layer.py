"""storage/ only stores: it never makes the linking decision, and its modules form no
import cycle (storage.db imports storage.linking for the backfill, so not the reverse)."""

from __future__ import annotations

import ast
from pathlib import Path

STORAGE = Path(__file__).resolve().parent.parent / "storage"
DECISIONS = {"choose", "similarity", "contrast_idf", "lookup_terms"}


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every `from module import name` in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.module or "", alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]


def test_no_storage_module_imports_a_linking_decision() -> None:
    found = [
        (path.name, name)
        for path in sorted(STORAGE.glob("*.py"))
        for module, name in _imports(path)
        if module == "digests.linking" and name in DECISIONS
    ]
    assert found == []


def test_storage_linking_does_not_import_the_database_that_imports_it() -> None:
    modules = {module for module, _ in _imports(STORAGE / "linking.py")}
    assert "storage.db" not in modules
    assert ("storage", "linking") in _imports(STORAGE / "db.py")
