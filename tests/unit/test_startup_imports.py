"""Ce que le démarrage de l'interface importe, et dans quel ordre."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import ui.app
print(json.dumps(list(sys.modules)))
"""


def modules_after_importing_ui_app() -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    return list(json.loads(out.stdout))


def test_the_data_layer_is_imported_before_pyside6_and_heavy_libraries_not_at_all() -> None:
    """PySide6 remplace ``builtins.__import__`` : ce qui est importé après lui coûte plus cher.
    ``sys.modules`` garde l'ordre d'import."""
    order = modules_after_importing_ui_app()
    pyside = order.index("PySide6")
    before = ("sqlmodel", "sqlalchemy.orm", "sqlalchemy.dialects.sqlite", "roadmap_app.services.plan",
              "db.models.plan")  # fmt: skip
    for module in before:
        assert order.index(module) < pyside, f"{module} importé après PySide6"
    for heavy in ("alembic", "openpyxl", "matplotlib"):
        assert heavy not in order
