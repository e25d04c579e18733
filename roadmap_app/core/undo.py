"""Piles annuler / rétablir de la session, construites sur le journal (pas de Qt)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class UndoEntry:
    operation_id: str
    label: str


@dataclass
class UndoManager:
    """Les opérations de cette session ; annuler = appliquer l'opération inverse, journalisée elle aussi."""

    undo_stack: list[UndoEntry] = field(default_factory=list)
    redo_stack: list[UndoEntry] = field(default_factory=list)
    listeners: list[Callable[[], None]] = field(default_factory=list)

    def push(self, operation_id: str, label: str) -> None:
        self.undo_stack.append(UndoEntry(operation_id, label))
        self.redo_stack.clear()
        self._notify()

    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    def can_redo(self) -> bool:
        return bool(self.redo_stack)

    def undo_label(self) -> str:
        return self.undo_stack[-1].label if self.undo_stack else ""

    def redo_label(self) -> str:
        return self.redo_stack[-1].label if self.redo_stack else ""

    def undo(self, revert: Callable[[str], str]) -> UndoEntry:
        """``revert(op_id)`` applique l'inverse et renvoie l'id de l'opération inverse."""
        entry = self.undo_stack[-1]
        inverse = revert(entry.operation_id)  # lève si conflit : les piles restent intactes
        self.undo_stack.pop()
        self.redo_stack.append(UndoEntry(inverse, entry.label))
        self._notify()
        return entry

    def redo(self, revert: Callable[[str], str]) -> UndoEntry:
        entry = self.redo_stack[-1]
        inverse = revert(entry.operation_id)
        self.redo_stack.pop()
        self.undo_stack.append(UndoEntry(inverse, entry.label))
        self._notify()
        return entry

    def _notify(self) -> None:
        for cb in list(self.listeners):
            cb()
