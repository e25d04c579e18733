"""Erreurs inattendues : journal dans le dossier des logs et dialogue avec un rapport copiable.

Une erreur « attendue » qui remonte jusqu'ici (base occupée, serveur injoignable, saisie refusée)
est montrée avec son seul message français ; les autres ont en plus un rapport détaillé, que le
bouton « Copier le rapport » met dans le presse-papiers. L'application reste utilisable.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from roadmap_app import __version__
from roadmap_app.core.errors import StoreError, UserError
from roadmap_app.core.paths import log_dir

log = logging.getLogger("roadmap_app")
LOG_FILE = "roadmap-app.log"


def setup_logging() -> None:
    directory = log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    target = str(directory / LOG_FILE)
    for h in list(root.handlers):
        if getattr(h, "roadmap_app", False) and getattr(h, "baseFilename", None) != target:
            root.removeHandler(h)
            h.close()
    if not any(getattr(h, "baseFilename", None) == target for h in root.handlers):
        handler = logging.FileHandler(target, encoding="utf-8")
        handler.roadmap_app = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s : %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.INFO)


def report_text(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    return f"roadmap-app {__version__} — Python {sys.version.split()[0]}\n\n{details}"


def error_box(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> QMessageBox:
    """Construit (sans l'afficher) la boîte de dialogue d'une erreur remontée jusqu'à la boucle Qt."""
    box = QMessageBox()
    if isinstance(exc, UserError | StoreError):
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Opération impossible")
        box.setText(str(exc))
        return box
    report = report_text(exc_type, exc, tb)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Erreur inattendue")
    box.setText(
        "Une erreur inattendue s'est produite. Vos données enregistrées ne sont pas touchées ; "
        "l'application reste utilisable."
    )
    box.setInformativeText(f"Le rapport est aussi écrit dans {log_dir() / LOG_FILE}.")
    box.setDetailedText(report)
    copy = box.addButton("Copier le rapport", QMessageBox.ButtonRole.ActionRole)
    copy.clicked.disconnect()  # ne pas fermer la boîte en copiant
    copy.clicked.connect(lambda: QApplication.clipboard().setText(report))
    box.addButton(QMessageBox.StandardButton.Ok)
    return box


def show_unexpected_error(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if isinstance(exc, UserError | StoreError):
        log.warning("%s : %s", type(exc).__name__, exc)
    else:
        log.error("Erreur inattendue\n%s", report_text(exc_type, exc, tb))
    if QApplication.instance() is None:
        return
    error_box(exc_type, exc, tb).exec()


def install_excepthook() -> None:
    sys.excepthook = show_unexpected_error
