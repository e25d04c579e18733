"""Démarrage de l'application graphique.

Ordre des imports : le socle de données (SQLModel, SQLAlchemy, pydantic et les services lus à
l'ouverture) avant PySide6. Une fois importé, PySide6 remplace ``builtins.__import__`` par sa
fonction ``__feature_import__`` (pour ``from __feature__ import …``) : tout import qui suit passe
par elle et coûte ≈ 15 % de plus (70 ms pour SQLModel sur la machine de mesure).
"""

from __future__ import annotations

import sys

import roadmap_app.services.backup  # avant PySide6 (voir plus haut), dialecte SQLite compris
import roadmap_app.services.filters
import roadmap_app.services.history
import roadmap_app.services.roadmaps  # plan, contexte, tables, SQLModel
import roadmap_app.services.status  # noqa: F401 — importés pour leur seul chargement

# isort: split
from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from roadmap_app import APP_AUTHOR, APP_NAME, __version__
from ui.errors import install_excepthook, setup_logging
from ui.style import apply_style


def make_application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("Feuille de route volet 3")
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    translator = QTranslator(app)
    if translator.load("qtbase_fr", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    apply_style(app)
    return app


def run_gui(db: str | None = None) -> int:
    app = make_application()
    setup_logging()
    install_excepthook()
    from ui.startup import open_window

    opened = open_window(db)
    if opened is None:
        return 1
    ctx, window = opened
    from PySide6.QtCore import QTimer

    from roadmap_app.bulk import end_startup

    window.show()
    QTimer.singleShot(0, end_startup)  # après le premier affichage
    QTimer.singleShot(1500, window.backups.daily)  # après l'affichage : le démarrage reste rapide
    try:
        return app.exec()
    finally:
        ctx.close()
