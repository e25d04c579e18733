"""Fixtures de l'interface : fenêtre principale sur une copie de la base de modèle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def app_ctx(db_path):
    from roadmap_app.core.context import open_context

    ctx = open_context(db_path, author="Testeur")
    yield ctx
    ctx.close()


@pytest.fixture
def window(qtbot, app_ctx) -> Iterator[Any]:
    from PySide6.QtCore import Qt

    from ui.app import make_application
    from ui.main_window import MainWindow

    make_application()
    w = MainWindow(app_ctx)
    qtbot.addWidget(w)
    # l'écran hors écran (800 × 600) est plus petit que la fenêtre voulue : elle s'ouvrirait
    # agrandie ; les tests fixent eux-mêmes la taille (et simulent ainsi les écrans)
    w.setWindowState(w.windowState() & ~Qt.WindowState.WindowMaximized)
    w.resize(1500, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w


@pytest.fixture
def dialogs(monkeypatch) -> list[tuple[str, str, str]]:
    """Remplace les boîtes de dialogue modales : enregistre (type, titre, texte) et répond « Ignorer »."""
    from PySide6.QtWidgets import QMessageBox

    seen: list[tuple[str, str, str]] = []

    def record(kind: str, answer: Any = None):
        def _f(parent, title, text, *args, **kwargs):
            seen.append((kind, title, text))
            return answer

        return staticmethod(_f)

    monkeypatch.setattr(QMessageBox, "warning", record("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "critical", record("critical", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(
        QMessageBox, "information", record("information", QMessageBox.StandardButton.Ok)
    )
    monkeypatch.setattr(
        QMessageBox, "question", record("question", QMessageBox.StandardButton.Discard)
    )
    return seen


def type_text(widget, text: str) -> None:
    """Tape du texte au clavier, accents compris (QTest.keyClicks n'accepte que l'ASCII)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def shown_dialog(qtbot, cls, *, first: bool = False):
    """La boîte de la classe ``cls`` ouverte (non modale, donc attendue) ; la dernière ouverte,
    ou la première avec ``first``."""
    from PySide6.QtWidgets import QApplication

    found: list = []

    def seen():
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, cls) and w.isVisible()]
        assert found

    qtbot.waitUntil(seen)
    return found[0] if first else found[-1]

