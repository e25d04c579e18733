"""Ce que le démarrage de l'interface importe, et dans quel ordre."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: modules où sont définies les classes ORM (≈ 30 ms pour celles du plan) ; ``enums`` et ``base``
#: n'en définissent pas.
ORM_TABLES = ("plan", "territory", "flows", "key_dates", "journal", "snapshot", "workshop",
              "finance", "contract", "meta")  # fmt: skip

IMPORT_UI_APP = """
import json, sys
import ui.app
print(json.dumps(list(sys.modules)))
"""

#: ouverture jusqu'au premier affichage, puis la suite du démarrage
OPEN = """
import json, sys
from ui.app import make_application, after_first_paint
from ui.startup import open_window
qt = make_application()
ctx, window = open_window(sys.argv[1])
window.show()
qt.processEvents()
shown = window.current_page().objectName()
painted = list(sys.modules)
after_first_paint()
print(json.dumps([shown, painted, list(sys.modules)]))
ctx.close()
"""


def run(code: str, *args: str, home: Path | None = None) -> object:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if home is not None:
        env["ROADMAP_APP_HOME"] = str(home)
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True, env=env)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def orm_tables_in(modules: list[str]) -> list[str]:
    return [m for m in modules if m.startswith("db.models.") and m.split(".")[2] in ORM_TABLES]


def test_the_data_layer_is_imported_before_pyside6_and_heavy_libraries_not_at_all() -> None:
    """PySide6 remplace ``builtins.__import__`` : ce qui est importé après lui coûte plus cher.
    ``sys.modules`` garde l'ordre d'import."""
    order = run(IMPORT_UI_APP)
    assert isinstance(order, list)
    pyside = order.index("PySide6")
    before = ("sqlmodel", "sqlalchemy.orm", "sqlalchemy.dialects.sqlite", "roadmap_app.plan.read",
              "roadmap_app.plan.roadmap_list", "db.read_tables")  # fmt: skip
    for module in before:
        assert order.index(module) < pyside, f"{module} importé après PySide6"
    for heavy in ("alembic", "openpyxl", "matplotlib", "reportlab", "pypdf"):
        assert heavy not in order
    assert orm_tables_in(order) == []


@pytest.mark.parametrize(
    ("last_page", "shown_page"),
    [("roadmap", "page_roadmap"), (None, "page_dashboard"), ("flows", "page_flows")],
    ids=["réouverture sur la Feuille de route", "premier lancement", "réouverture sur les flux"],
)
def test_the_first_page_reads_without_orm_classes_then_the_writers_are_loaded(
    db_path: Path, tmp_path: Path, last_page: str | None, shown_page: str
) -> None:
    """La première page s'affiche sans définir une seule classe ORM (lectures sur
    ``db.read_tables``) ; juste après le premier affichage, les tables du plan et les services
    d'écriture sont chargés, pour que la première modification n'attende pas."""
    if last_page:
        (tmp_path / "interface.ini").write_text(f"[main]\npage={last_page}\n")
    shown, painted, warmed = run(OPEN, str(db_path), home=tmp_path)  # type: ignore[misc]
    assert shown == shown_page
    assert orm_tables_in(painted) == []
    assert "roadmap_app.plan.status" not in painted
    assert {"db.models.plan", "roadmap_app.plan.status", "roadmap_app.plan.history"} <= set(warmed)
    # l'échéancier n'est chargé qu'à la première visite de sa page (ni avant, ni juste après)
    for module in ("ui.pages.echeancier_page", "ui.widgets.timeline_view",
                   "roadmap_app.plan.timeline", "roadmap_app.plan.ics", "icalendar"):  # fmt: skip
        assert module not in warmed, module


#: le chemin de ``roadmap-app`` (roadmap_app.__main__), avec un délai de fin de démarrage raccourci
RUN_GUI = """
import gc, json, sys
from roadmap_app.core.bulk import begin_startup
begin_startup()
from PySide6.QtCore import QTimer
import ui.app as app
qt = app.make_application()
app.IDLE_DELAY_MS = 300
seen = {}
def look(when):
    seen[when] = {"écritures": [m for m in app.WARM_UP if m in sys.modules], "gc": gc.isenabled()}
QTimer.singleShot(0, lambda: look("premier tour"))
QTimer.singleShot(2500, lambda: (look("ensuite"), qt.quit()))
app.run_gui(sys.argv[1])
print(json.dumps(seen))
"""


def test_roadmap_app_loads_the_writers_and_restarts_the_gc_after_showing_the_window(
    db_path: Path, tmp_path: Path
) -> None:
    seen = run(RUN_GUI, str(db_path), home=tmp_path)
    assert seen == {
        "premier tour": {"écritures": [], "gc": False},
        "ensuite": {"écritures": list(ui_app_warm_up()), "gc": True},
    }


def ui_app_warm_up() -> tuple[str, ...]:
    from ui.app import WARM_UP

    return WARM_UP


FAILING_WARM_UP = """
import gc, json
import ui.app as app
from roadmap_app.core.bulk import begin_startup
begin_startup()
app.WARM_UP = ("roadmap_app.module_absent",)
try:
    app.after_first_paint()
except ModuleNotFoundError:
    pass
print(json.dumps(gc.isenabled()))
"""


def test_the_gc_restarts_even_if_a_preload_fails() -> None:
    """Sinon le ramasse-miettes resterait suspendu toute la séance."""
    assert run(FAILING_WARM_UP) is True
