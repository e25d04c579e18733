"""Saisie dans une grille comme dans un tableur : Entrée valide et descend d'une ligne ; une valeur
refusée reste dans la cellule, sélectionnée, pour être corrigée (le message est donné à part)."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QStyledItemDelegate, QWidget

Index = QModelIndex | QPersistentModelIndex


class GridDelegate(QStyledItemDelegate):
    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.view = view
        #: (ligne, colonne, texte) d'une saisie refusée, rendue à l'éditeur rouvert
        self._refused: tuple[int, int, str] | None = None
        self._down = False
        self._last_refused: tuple[int, int, str] | None = None

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        refused, self._refused = self._refused, None
        if (
            refused is not None
            and isinstance(editor, QLineEdit)
            and refused[:2]
            == (
                index.row(),
                index.column(),
            )
        ):
            editor.setText(refused[2])
            editor.selectAll()
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        text = editor.text() if isinstance(editor, QLineEdit) else None
        if text is None:
            super().setModelData(editor, model, index)
            return
        if text == (index.data(Qt.ItemDataRole.EditRole) or ""):
            return  # rien de changé : pas d'écriture
        key = (index.row(), index.column(), text)
        current = self.view.currentIndex()
        moved = (current.row(), current.column()) != key[:2]
        if moved and key == self._last_refused:
            self._last_refused = None  # l'utilisateur a quitté la cellule refusée : abandon
            return
        if model.setData(index, text, Qt.ItemDataRole.EditRole):
            self._last_refused = None
            return
        self._down = False  # la saisie refusée est rouverte, on ne descend pas
        self._last_refused = key
        if not moved:
            self._refused = key
            QTimer.singleShot(0, lambda: self._reopen(key[0], key[1]))

    def _reopen(self, row: int, col: int) -> None:
        index = self.view.model().index(row, col)
        if not index.isValid():
            self._refused = None
            return
        self.view.setCurrentIndex(index)
        self.view.edit(index)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)  # type: ignore[attr-defined]
            and isinstance(editor, QWidget)
        ):
            self._down = True
            index = self.view.currentIndex()
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
            if self._down:  # accepté : la ligne suivante, même colonne (comme un tableur)
                self._down = False
                row, col = index.row() + 1, index.column()
                QTimer.singleShot(0, lambda: self._move_to(row, col))
            return True
        return super().eventFilter(editor, event)

    def _move_to(self, row: int, col: int) -> None:
        index = self.view.model().index(row, col)
        if index.isValid() and self.view.state() != QAbstractItemView.State.EditingState:
            self.view.setCurrentIndex(index)
