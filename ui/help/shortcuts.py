"""*Aide → Raccourcis clavier* : la liste est lue dans la fenêtre elle-même, jamais recopiée.

Sont lus : les actions des menus, puis, page par page, les actions, les boutons et les raccourcis
(``QShortcut``, décrits par leur ``whatsThis``) qui ont une touche. Un raccourci ajouté au code
apparaît donc ici sans autre modification ; un raccourci sans description est signalé par un test.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class Shortcut:
    group: str  # menu ou page
    command: str
    keys: str  # texte natif, en français (« Ctrl+Maj+N »)


def clean(text: str) -> str:
    """« &Nouvelle action… » → « Nouvelle action » (mnémonique et points de suspension ôtés)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _keys(sequences: list[QKeySequence]) -> str:
    texts = [
        s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences if not s.isEmpty()
    ]
    return " ou ".join(texts)


def _menu_rows(menu: QMenu, group: str) -> list[Shortcut]:
    rows = []
    for action in menu.actions():
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            rows += _menu_rows(submenu, group)
        elif keys := _keys(action.shortcuts()):
            rows.append(Shortcut(group, clean(action.text()), keys))
    return rows


def _widget_rows(widget: QWidget, group: str) -> list[Shortcut]:
    rows = []
    for action in widget.findChildren(QAction):
        if (keys := _keys(action.shortcuts())) and action.text():
            rows.append(Shortcut(group, clean(action.text()), keys))
    for button in widget.findChildren(QAbstractButton):
        if keys := _keys([button.shortcut()]):
            rows.append(Shortcut(group, clean(button.text() or button.toolTip()), keys))
    for shortcut in widget.findChildren(QShortcut):
        if keys := _keys([shortcut.key()]):
            rows.append(Shortcut(group, shortcut.whatsThis(), keys))
    return rows


def collect(window: Any) -> list[Shortcut]:
    """Raccourcis de la fenêtre principale : menus, puis chaque page (toutes sont construites)."""
    rows: list[Shortcut] = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            rows += _menu_rows(menu, clean(top.text()))
    for spec in window.specs:
        rows += _widget_rows(window.page(spec.key), f"Page {spec.title}")
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for row in rows:
        key = (row.group, row.command, row.keys)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


def as_html(rows: list[Shortcut]) -> str:
    parts, group = [], None
    for row in rows:
        if row.group != group:
            if group is not None:
                parts.append("</table>")
            group = row.group
            parts.append(
                f"<h3>{escape(group)}</h3><table cellspacing='0' cellpadding='3' width='100%'>"
            )
        parts.append(
            f"<tr><td width='68%'>{escape(row.command)}</td><td><b>{escape(row.keys)}</b></td></tr>"
        )
    if group is not None:
        parts.append("</table>")
    parts.append(
        "<p>La <i>revue en séance</i> (page Ateliers) a ses propres touches : voir le guide, "
        "rubrique « Ateliers hors ligne ».</p>"
    )
    return "".join(parts)


class ShortcutsDialog(QDialog):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Raccourcis clavier")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.rows = collect(window)
        finally:
            QApplication.restoreOverrideCursor()
        self.view = QTextBrowser(self)
        self.view.setHtml(as_html(self.rows))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        screen = window.screen().availableGeometry() if window.screen() else None
        height = 640 if screen is None else min(640, screen.height() - 80)
        self.resize(620, height)
