"""Processus mesuré : démarre l'application (ou le plancher) et imprime le temps jusqu'à ce que
la Feuille de route montre le plan et réponde à une frappe.

python -m bench.startup_probe app|floor DB

``app`` suit la page que l'application ouvre : le tableau de bord au premier lancement (puis un
clic sur la Feuille de route), ou directement la Feuille de route quand c'est la page où
l'utilisateur était à la fermeture (le pilote du banc écrit alors ``main/page`` dans les réglages).

Après chaque étape (affichage, clic, frappe), la boucle d'événements est vidée : mises en page et
peintures différées comprises. Le travail que ``roadmap-app`` fait une seconde après la première
peinture (``ui.app.after_first_paint``) est hors de la mesure ; sa durée est imprimée à part.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rien de plus à importer avant T0
    from typing import Any

T0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def app(db: str) -> float:
    """Le chemin de ``roadmap-app`` (roadmap_app.__main__ puis ui.app.run_gui), sans boucle."""
    from roadmap_app.core.bulk import begin_startup

    begin_startup()
    return _app(db)


def _app(db: str) -> float:
    from ui.app import make_application
    from ui.startup import open_window

    qt = make_application()
    opened = open_window(db)
    assert opened is not None
    _ctx, w = opened
    w.show()
    drain(qt)
    home = w.current_page()
    assert home is not None
    if home.objectName() == "page_dashboard":  # premier lancement : cartes remplies, puis un clic
        assert getattr(home, "cards", None), "tableau de bord vide"
        w.show_page("roadmap")
        drain(qt)
    page = w.pages["roadmap"]  # la Feuille de route : le plan réel (une première action visible)
    assert page.isVisible() and _first_action(page), "page vide"
    page.filters.search.setText("a")
    drain(qt)
    elapsed = time.perf_counter() - T0
    heavy = [m for m in ("alembic", "openpyxl", "matplotlib") if m in sys.modules]
    if heavy:
        print("modules lourds chargés au démarrage :", ", ".join(heavy), file=sys.stderr)
    # Hors de la mesure : le travail que roadmap-app fait une seconde après la première peinture
    # (ui.app.after_first_paint) ; sa durée est ce qu'attendrait une frappe tombant pendant lui.
    from bench import DEFERRED
    from ui.app import after_first_paint

    start = time.perf_counter()
    after_first_paint()
    print(f"{DEFERRED} {time.perf_counter() - start:.4f}")
    return elapsed


def drain(qt: Any) -> None:
    """Traite les événements jusqu'à ce qu'il n'en reste plus : les vues refont leur mise en page
    et se repeignent au tour suivant de la boucle (minuteur à 0 ms), un seul ``processEvents`` ne
    les verrait pas."""
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop(qt)
    for _ in range(100):  # borne : un minuteur à 0 ms répété ne doit pas bloquer la mesure
        if not loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents):
            return


def _first_action(page: object) -> str:
    """Code de la première action de l'arbre (axe → cible → action), sans parcourir tout l'arbre."""
    from PySide6.QtCore import QModelIndex

    model = page.model  # type: ignore[attr-defined]
    idx = QModelIndex()
    for _ in range(3):
        if model.rowCount(idx) == 0:
            return ""
        idx = model.index(0, 0, idx)
    node = model.node_at(idx)
    return str(node.payload.code) if node is not None and node.kind == "action" else ""


def floor(db: str) -> float:
    """Plancher : importer PySide6 et SQLModel, lire les actions, les montrer dans un QTreeView.

    SQLModel est importé avant PySide6, comme dans l'application (``ui.app``) : après PySide6,
    chaque import passe par son ``__feature_import__`` et coûte ≈ 15 % de plus."""
    from sqlmodel import Session, create_engine, text

    # isort: split
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTreeView

    qt = QApplication.instance() or QApplication(sys.argv)
    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as s:
        rows = s.execute(
            text("SELECT code, plan_actions, echeance_label FROM action ORDER BY id")
        ).all()
    model = QStandardItemModel()
    for r in rows:
        model.appendRow([QStandardItem(str(v)) for v in r])
    view = QTreeView()
    view.setModel(model)
    view.show()
    drain(qt)
    return time.perf_counter() - T0


if __name__ == "__main__":
    kind, db = sys.argv[1], sys.argv[2]
    print(f"{(app if kind == 'app' else floor)(db):.4f}")
