"""storage/ only stores: it never makes the linking decision nor computes an article's
signature, its modules form no import cycle and import nothing above them, and bot/ gets
storage's own errors rather than the database engine's."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORAGE = ROOT / "storage"
BOT = ROOT / "bot"
DECISIONS = {"choose", "similarity", "contrast_idf", "lookup_terms"}
TEXT_PIPELINE = {"signature", "fold", "merge"}
ENGINES = {"sqlite3", "aiosqlite"}


def _from_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every `from module import name` in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.module or "", alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]


def _modules(path: Path) -> set[str]:
    """Every module the file imports, by either form of import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_no_storage_module_imports_a_linking_decision() -> None:
    found = [
        (path.name, name)
        for path in sorted(STORAGE.glob("*.py"))
        for module, name in _from_imports(path)
        if module == "digests.linking" and name in DECISIONS
    ]
    assert found == []


def test_no_storage_module_computes_signatures() -> None:
    found = [
        (path.name, name)
        for path in sorted(STORAGE.glob("*.py"))
        for module, name in _from_imports(path)
        if module == "digests.linking" and name in TEXT_PIPELINE
    ]
    assert found == []


def test_storage_imports_nothing_above_it() -> None:
    found = [
        (path.name, module)
        for path in sorted(STORAGE.glob("*.py"))
        for module in _modules(path)
        if module == "bot" or module.startswith("bot.")
    ]
    assert found == []


def test_storage_modules_form_no_import_cycle() -> None:
    names = {path.stem for path in STORAGE.glob("*.py")}
    graph = {
        name: {
            m.split(".")[1]
            for m in _modules(STORAGE / f"{name}.py")
            if m.startswith("storage.") and m.split(".")[1] in names
        }
        - {name}
        for name in names
    }
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for used in graph[name]:
            visit(used, (*path, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())
    assert "linking" not in graph["db"]


def test_no_bot_module_imports_the_database_engine() -> None:
    """bot/ gets storage.errors and storage.db.Transaction, never the engine's own types
    (bot/cli.py's log filter recognises an unwrapped engine error by its module's name)."""
    found = sorted(
        str(path.relative_to(BOT))
        for path in BOT.rglob("*.py")
        if any(m.split(".")[0] in ENGINES for m in _modules(path))
    )
    assert found == []
