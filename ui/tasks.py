"""Travaux longs (exports…) hors du fil de l'interface, avec une fenêtre de progression.

Le travail est une fonction ``fn(progress)`` de la couche application (sans Qt) ; ``progress``
(étapes faites, étapes totales, message) est relayé par un signal vers la fenêtre de
progression. Le résultat ou l'erreur revient sur le fil de l'interface (signaux Qt).
Un ``QRunnable`` et un ``QObject`` séparé pour les signaux (jamais les deux hérités ensemble).

Ramasse-miettes : le ramassage automatique des cycles Python peut se déclencher dans n'importe
quel fil ; s'il détruit dans le fil de travail un objet Qt devenu inaccessible (fenêtre,
dialogue fermés), l'application plante. Pendant un travail en arrière-plan, on ramasse donc
d'abord dans le fil de l'interface, puis on suspend le ramassage automatique jusqu'à la fin
du dernier travail (le comptage de références continue de libérer le reste).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from roadmap_app.core import bulk
from roadmap_app.core.progress import Progress

Work = Callable[[Progress], Any]


_running = 0


class _UiCollector(QObject):
    """Ramassage des cycles demandé par un fil de travail (``roadmap_app.core.bulk.scratch_garbage``,
    après chaque graphique du pack), fait dans le fil de l'interface : demandes regroupées, sans
    attendre (le fil de travail continue)."""

    requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.pending = False
        self.requested.connect(self.collect, Qt.ConnectionType.QueuedConnection)

    def request(self) -> None:  # depuis un fil de travail
        if not self.pending:
            self.pending = True
            self.requested.emit()

    @Slot()
    def collect(self) -> None:
        self.pending = False
        gc.collect()


_collector: _UiCollector | None = None


def _pause_gc() -> None:
    """Même suspension que les lectures en bloc (``roadmap_app.core.bulk.paused_gc``) : un seul
    compteur, le ramassage ne reprend qu'à la fin du dernier bloc ou du dernier travail."""
    global _running, _collector
    if _collector is None:  # créé dans le fil de l'interface, qui exécutera ses ramassages
        _collector = _UiCollector()
        bulk.collect_in_ui_thread = _collector.request
    if _running == 0 and not bulk.paused():
        gc.collect()  # dans le fil de l'interface : les objets Qt morts y sont détruits
    forget_module_sources()  # le travail réutilise leur place (≈ 40 Mo à 100×)
    bulk.paused_gc().__enter__()
    _running += 1


def _resume_gc() -> None:
    global _running
    if _running > 0:
        _running -= 1
        bulk.paused_gc().__exit__(None, None, None)
    forget_module_sources()  # ceux que le travail a importés (openpyxl, matplotlib…)


def forget_module_sources() -> None:
    """``bulk.forget_module_sources``, seulement quand aucun travail ne tourne : vider
    ``linecache`` pendant qu'un fil de travail importe (shiboken6 y lit alors un source) pourrait
    y lever une ``KeyError`` dans ce fil."""
    if _running == 0:
        bulk.forget_module_sources()


class TaskSignals(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, work: Work, signals: TaskSignals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work(
                lambda done, total, msg: self.signals.progress.emit(done, total, msg)
            )
        except Exception as err:  # rendu à l'interface, qui l'affiche
            self.signals.failed.emit(err)
        else:
            self.signals.succeeded.emit(result)


class Task(QObject):
    """Un travail en cours, avec sa fenêtre de progression ; ``finished`` à la fin (réussi ou
    non), ``done`` ensuite. Créé et lancé par ``TaskRunner.run``."""

    finished = Signal()

    def __init__(
        self,
        parent: QWidget,
        title: str,
        work: Work,
        on_success: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        super().__init__(parent)
        self.done = False
        self.signals = TaskSignals()
        self.dialog = QProgressDialog(title, "", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setCancelButton(None)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self._on_success = on_success
        self._on_error = on_error
        self.signals.progress.connect(self._progress)
        self.signals.succeeded.connect(self._succeeded)
        self.signals.failed.connect(self._failed)
        self._runnable = _Runnable(work, self.signals)

    def start(self) -> Task:
        self.dialog.setValue(0)
        _pause_gc()
        QThreadPool.globalInstance().start(self._runnable)
        return self

    def _progress(self, done: int, total: int, message: str) -> None:
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))
        self.dialog.setLabelText(message)

    def _close(self) -> None:
        _resume_gc()
        self.done = True
        self.dialog.close()
        self.dialog.deleteLater()

    def _succeeded(self, result: Any) -> None:
        self._close()
        try:
            self._on_success(result)
        finally:
            self.finished.emit()

    def _failed(self, err: Exception) -> None:
        self._close()
        try:
            self._on_error(err)
        finally:
            self.finished.emit()


class TaskRunner:
    """Le seul lanceur de travaux longs de l'interface : ``work(progress)`` tourne dans le pool de
    fils, ``progress(faites, total, message)`` (``roadmap_app.core.progress``) nourrit la fenêtre
    de progression, ``on_success(résultat)`` ou ``on_error(exception)`` reviennent sur le fil de
    l'interface. Les écritures longues (fusion d'un paquet, import) y passent aussi : l'exécuteur
    des opérations (``core.ops``) s'exécute alors dans le fil de travail, une transaction comme
    ailleurs ; la fenêtre apprend le changement de la pile « Annuler » par un signal."""

    def __init__(self) -> None:
        self.active: list[Task] = []

    def run(
        self,
        parent: QWidget,
        title: str,
        work: Work,
        on_success: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> Task:
        task = Task(parent, title, work, on_success, on_error)
        self.active.append(task)
        task.finished.connect(lambda: self.active.remove(task) if task in self.active else None)
        return task.start()

    def busy(self) -> bool:
        return bool(self.active)


def error_details(err: BaseException) -> str:
    """Trace d'une erreur inattendue, pour le détail repliable d'un message (jamais affichée
    d'emblée)."""
    import traceback

    return "".join(traceback.format_exception(err))
