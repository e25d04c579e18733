"""Démarrage de l'application graphique.

Ordre des imports : le socle de données (SQLModel, SQLAlchemy, pydantic et les services lus à
l'ouverture) avant PySide6. Une fois importé, PySide6 remplace ``builtins.__import__`` par sa
fonction ``__feature_import__`` (pour ``from __feature__ import …``) : tout import qui suit passe
par elle et coûte ≈ 15 % de plus (70 ms pour SQLModel sur la machine de mesure).

Le démarrage ne lit qu'à travers les tables légères (``db.read_tables``) : les classes ORM de
``db.models`` (≈ 30 ms à définir) et les services d'écriture qui les importent sont chargés une
seconde après le premier affichage (``WARM_UP``, ``IDLE_DELAY_MS``), pour que la première
modification n'attende pas.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

import roadmap_app.core.backup  # avant PySide6 (voir plus haut), dialecte SQLite compris
import roadmap_app.plan.filters  # plan, contexte, SQLModel
import roadmap_app.plan.roadmap_list  # noqa: F401 — importés pour leur seul chargement

# isort: split
from PySide6.QtWidgets import QApplication, QWidget

from roadmap_app import APP_AUTHOR, APP_NAME, __version__
from roadmap_app.core.errors import UserError
from ui import french
from ui.errors import install_excepthook, setup_logging
from ui.style import app_icon, apply_style

#: Modules chargés après le premier affichage (``after_first_paint``) : tables ORM, services
#: d'écriture de la Feuille de route (statuts, annulation, historique d'une action).
WARM_UP = ("db.models.plan", "roadmap_app.plan.status", "roadmap_app.plan.history")

#: Délai entre la première peinture et ``after_first_paint`` (ms).
IDLE_DELAY_MS = 1000


def make_application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName(APP_NAME)  # ajouté par Qt au titre des fenêtres
    if not app.property("qt_french_installed"):
        french.install(app)
        app.setProperty("qt_french_installed", True)
    app.setWindowIcon(app_icon())
    apply_style(app)
    return app


def run_gui(db: str | None = None, open_file: str | None = None) -> int:
    """L'application ; ``open_file`` : ``roadmap-app FICHIER`` (base, ou paquet à fusionner)."""
    app = make_application()
    from ui.documents import refuse_at_startup, startup_plan
    from ui.startup import open_window

    try:
        db, package = startup_plan(db, open_file)
    except UserError as err:  # fichier refusé : rien n'est ouvert ni créé (pas même le journal)
        refuse_at_startup(str(err))
        return 2
    setup_logging()
    french.log_status(app)
    install_excepthook()
    opened = open_window(db)
    if opened is None:
        return 1
    _ctx, window = opened
    from PySide6.QtCore import QTimer

    call_after_first_paint(window, after_first_paint, delay_ms=IDLE_DELAY_MS)
    exit_after_start(window)
    window.show()
    QTimer.singleShot(1500, window.backups.daily)  # après l'affichage : le démarrage reste rapide
    if package is not None:
        window.documents.merge_later(package)
    try:
        return app.exec()
    finally:
        window.documents.close()  # la base de la fenêtre en cours (elle a pu changer)


#: ``ROADMAP_APP_EXIT_AFTER_START=MS`` : l'application se ferme normalement (sauvegarde de
#: fermeture comprise) MS millisecondes après la première peinture, et écrit sur la sortie
#: standard l'heure de cette peinture (``EXIT_PROBE`` suivi de ``time.time()``). Pour
#: ``make dist-test`` et le banc : mesurer et vérifier l'application elle-même, figée ou non.
EXIT_PROBE = "premiere peinture :"


def exit_after_start(window: QWidget) -> None:
    import os

    from ui.settings import EXIT_ENV

    delay = os.environ.get(EXIT_ENV, "").strip()
    if not delay:
        return

    def painted() -> None:
        import time

        print(f"{EXIT_PROBE} {time.time():.4f}", flush=True)
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(delay), QApplication.closeAllWindows)

    call_after_first_paint(window, painted, fallback_ms=10_000)


def call_after_first_paint(
    widget: QWidget, callback: Callable[[], None], *, delay_ms: int = 0, fallback_ms: int = 3000
) -> None:
    """Appelle ``callback`` une fois, ``delay_ms`` après la première peinture de ``widget``.

    Un minuteur posé après ``show()`` pourrait partir avant la première peinture (elle attend
    l'exposition de la fenêtre) et la retarderait d'autant. Si ``widget`` n'est pas peint dans les
    ``fallback_ms`` (fenêtre ouverte réduite), ``callback`` est appelé quand même : il relance le
    ramasse-miettes."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not self.done:
                widget.removeEventFilter(self)
                QTimer.singleShot(delay_ms, self, self.fire)
            return False

        def fire(self) -> None:
            if not self.done:
                self.done = True
                callback()

    hook = FirstPaint(widget)
    widget.installEventFilter(hook)
    QTimer.singleShot(max(fallback_ms, delay_ms), hook, hook.fire)


def after_first_paint() -> None:
    """Fin du démarrage, la fenêtre affichée : charge ``WARM_UP``, puis relance le ramasse-miettes
    (``end_startup``, qui gèle aussi ces modules). ≈ 80 ms à 1×, 90 à 100 ms à 100× (une collecte
    complète avec le plan en mémoire) : ``run_gui`` l'appelle ``IDLE_DELAY_MS`` après la première
    peinture, quand l'utilisateur lit la page ; une frappe qui tomberait pendant ce travail
    attendrait au plus cette durée."""
    from roadmap_app.core.bulk import end_startup

    try:
        for module in WARM_UP:
            importlib.import_module(module)
    finally:  # le ramasse-miettes reprend quoi qu'il arrive
        end_startup()
