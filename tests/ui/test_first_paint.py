"""Le travail de fin de démarrage (services d'écriture, ramasse-miettes) attend la première peinture."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel

from ui.app import call_after_first_paint


class PaintLog(QObject):
    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.log.append("peinture")
        return False


def test_the_callback_runs_once_after_the_window_is_first_painted(qtbot: Any) -> None:
    log: list[str] = []
    widget = QLabel("Feuille de route")
    qtbot.addWidget(widget)
    painted = PaintLog(log)
    widget.installEventFilter(painted)
    # repli court : il part aussi, après la peinture, et ne doit pas rappeler
    call_after_first_paint(widget, lambda: log.append("fin du démarrage"), fallback_ms=150)
    assert log == []  # rien avant l'affichage

    widget.show()
    qtbot.waitUntil(lambda: "fin du démarrage" in log)
    assert log.index("peinture") < log.index("fin du démarrage")

    widget.repaint()
    widget.resize(400, 300)
    qtbot.wait(300)
    assert log.count("fin du démarrage") == 1


def test_a_window_never_painted_still_ends_the_startup(qtbot: Any) -> None:
    """Fenêtre ouverte réduite : le ramasse-miettes doit reprendre quand même."""
    calls: list[int] = []
    widget = QLabel("réduite")
    qtbot.addWidget(widget)
    call_after_first_paint(widget, lambda: calls.append(1), fallback_ms=30)
    qtbot.waitUntil(lambda: calls == [1])
    qtbot.wait(60)
    assert calls == [1]


def test_the_callback_can_wait_for_the_user_to_read_the_page(qtbot: Any) -> None:
    """``run_gui`` laisse une seconde à l'utilisateur avant le travail de fin de démarrage."""
    log: list[str] = []
    widget = QLabel("Feuille de route")
    qtbot.addWidget(widget)
    painted = PaintLog(log)  # gardé en vie le temps du test
    widget.installEventFilter(painted)
    call_after_first_paint(widget, lambda: log.append("fin du démarrage"), delay_ms=300)
    widget.show()
    qtbot.waitUntil(lambda: "peinture" in log)
    qtbot.wait(100)
    assert "fin du démarrage" not in log
    qtbot.waitUntil(lambda: "fin du démarrage" in log, timeout=2000)
