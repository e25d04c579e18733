"""Erreurs inattendues : journal dans le dossier des logs et dialogue avec un rapport copiable."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from roadmap_app import __version__
from roadmap_app.paths import log_dir

log = logging.getLogger("roadmap_app")


def setup_logging() -> None:
    directory = log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(directory / "roadmap-app.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s : %(message)s"))
    root = logging.getLogger()
    if not any(isinstance(h, logging.FileHandler) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)


def report_text(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    return f"roadmap-app {__version__} — Python {sys.version.split()[0]}\n\n{details}"


def show_unexpected_error(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    report = report_text(exc_type, exc, tb)
    log.error("Erreur inattendue\n%s", report)
    if QApplication.instance() is None:
        return
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Erreur inattendue")
    box.setText(
        "Une erreur inattendue s'est produite. Vos données enregistrées ne sont pas touchées ; "
        "l'application reste utilisable."
    )
    box.setInformativeText(f"Le rapport est aussi écrit dans {log_dir() / 'roadmap-app.log'}.")
    box.setDetailedText(report)
    box.exec()


def install_excepthook() -> None:
    sys.excepthook = show_unexpected_error
