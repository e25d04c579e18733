"""Travaux longs hors du fil de l'interface, avec une fenêtre de progression.

Le travail (une fonction ``(progress) -> résultat``) tourne dans un ``QRunnable`` du pool ; un
``QObject`` séparé porte les signaux (on n'hérite jamais des deux). Le résultat ou l'erreur
revient sur le fil principal.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

Progress = Callable[[str, int, int], None]


class _Signals(QObject):
    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(object, str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.work(lambda step, i, n: self.signals.progressed.emit(step, i, n))
        except Exception as err:  # remonté au fil principal, jamais perdu
            self.signals.failed.emit(err, traceback.format_exc())
            return
        self.signals.succeeded.emit(result)


class TaskRunner:
    """Lance un travail avec une fenêtre de progression modale ; ``active`` garde les travaux en cours."""

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self.pool = pool or QThreadPool.globalInstance()
        self.active: list[_Job] = []

    def run(
        self,
        parent: QWidget,
        title: str,
        work: Callable[[Progress], Any],
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException, str], None],
    ) -> _Job:
        dialog = QProgressDialog(title, "", 0, 0, parent)
        dialog.setWindowTitle(title)
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        job = _Job(work)

        def progressed(step: str, i: int, n: int) -> None:
            dialog.setMaximum(n)
            dialog.setValue(i)
            dialog.setLabelText(f"{title}\n{step}…")

        def finish() -> None:
            dialog.reset()
            dialog.close()
            dialog.deleteLater()
            if job in self.active:
                self.active.remove(job)

        job.signals.progressed.connect(progressed)
        job.signals.succeeded.connect(lambda result: (finish(), on_success(result)))
        job.signals.failed.connect(lambda err, tb: (finish(), on_error(err, tb)))
        self.active.append(job)
        self.pool.start(job)
        return job

    def wait(self, msecs: int = 60_000) -> bool:
        return self.pool.waitForDone(msecs)
