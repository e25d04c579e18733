"""Les couches ne dépendent que vers le bas : ui → roadmap_app → db."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_roots(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("package", ["db", "roadmap_app"])
def test_no_qt_below_the_ui(package):
    roots = imported_roots(package)
    assert not {"PySide6", "shiboken6", "PyQt5", "PyQt6"} & roots.keys(), roots.get("PySide6")


def test_db_imports_neither_the_application_nor_the_ui():
    roots = imported_roots("db")
    assert "roadmap_app" not in roots, roots.get("roadmap_app")
    assert "ui" not in roots, roots.get("ui")


def test_the_application_does_not_import_the_ui_except_to_launch_it():
    roots = imported_roots("roadmap_app")
    assert roots.get("ui", set()) <= {"roadmap_app/cli/main.py"}


def test_widgets_never_open_a_session():
    """Les pages demandent des données aux services ; aucune requête SQL dans ui/."""
    roots = imported_roots("ui")
    assert not {"sqlmodel", "sqlalchemy"} & roots.keys()
    for path in (ROOT / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert ".session()" not in text and ".transaction()" not in text, path
