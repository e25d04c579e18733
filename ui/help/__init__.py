"""Menu *Aide* : guide d'utilisation (F1, rubrique de la page affichée), raccourcis clavier."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu


def install(window: Any, menu: QMenu) -> None:
    """Ajoute au menu *Aide* de ``window`` le guide et la liste des raccourcis."""
    guide = QAction("&Guide d'utilisation", window)
    guide.setShortcut(QKeySequence.StandardKey.HelpContents)  # F1
    guide.setStatusTip("Le guide de l'application, ouvert à la rubrique de la page affichée")
    guide.triggered.connect(lambda: open_guide(window))
    keys = QAction("&Raccourcis clavier", window)
    keys.setStatusTip("Tous les raccourcis des menus et des pages")
    keys.triggered.connect(lambda: open_shortcuts(window))
    menu.addAction(guide)
    menu.addAction(keys)
    menu.addSeparator()
    window.guide_action, window.shortcuts_action = guide, keys


def current_page_key(window: Any) -> str | None:
    row = window.nav.currentRow()
    return window.specs[row].key if 0 <= row < len(window.specs) else None


def open_guide(window: Any, topic: str | None = None) -> Any:
    """La fenêtre du guide (une par fenêtre principale), ouverte sur ``topic`` ou sur la rubrique
    de la page affichée."""
    from ui.help.guide import GuideWindow, topic_for_page

    viewer = getattr(window, "guide_window", None)
    if viewer is None:
        viewer = window.guide_window = GuideWindow(window)
    viewer.show_topic(topic or topic_for_page(current_page_key(window)))
    viewer.show()
    viewer.raise_()
    viewer.activateWindow()
    return viewer


def open_shortcuts(window: Any) -> Any:
    from ui.help.shortcuts import ShortcutsDialog

    dialog = ShortcutsDialog(window)
    window.dialog = dialog
    dialog.open()
    return dialog
