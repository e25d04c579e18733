"""Choix d'un fichier : tous les dialogues de fichiers de l'application passent par ici.

Le dialogue s'ouvre dans le dernier dossier utilisé (retenu dans les réglages de l'interface),
ou, la première fois, dans le dossier Documents de l'utilisateur — jamais dans le dossier courant
(celui du programme quand l'application est lancée par un raccourci). Sous Windows, c'est le
dialogue du système ; ailleurs celui de Qt, en français (``ui.french``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from ui.settings import ui_settings

LAST_DIR_KEY = "dialogs/last_dir"


def documents_dir() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(found) if found else Path.home()
    return path if path.is_dir() else Path.home()


def start_dir() -> Path:
    """Dernier dossier utilisé s'il existe encore, sinon Documents."""
    last = ui_settings().value(LAST_DIR_KEY)
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    return documents_dir()


def remember(path: str | Path) -> None:
    settings = ui_settings()
    settings.setValue(LAST_DIR_KEY, str(Path(path).parent))
    settings.sync()


def ask_open(parent: QWidget | None, title: str, filters: str) -> Path | None:
    """Fichier à lire, ou ``None`` si l'utilisateur renonce."""
    path, _chosen = QFileDialog.getOpenFileName(parent, title, str(start_dir()), filters)
    if not path:
        return None
    remember(path)
    return Path(path)


def ask_save(
    parent: QWidget | None, title: str, suggested: str, filters: str
) -> tuple[Path, str] | None:
    """Fichier à écrire (nom proposé ``suggested`` dans le dossier de départ) et le filtre choisi,
    ou ``None`` si l'utilisateur renonce."""
    default = start_dir() / Path(suggested).name
    path, chosen = QFileDialog.getSaveFileName(parent, title, str(default), filters)
    if not path:
        return None
    remember(path)
    return Path(path), chosen
