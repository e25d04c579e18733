"""Modèle de la liste des ateliers."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from roadmap_app.services.workshop.ateliers import AtelierInfo

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Date", "Bassin", "Atelier", "Lieu", "Type")
KINDS = {
    "lancement": "Journée de lancement",
    "revue": "Revue en séance",
    "classeur": "Classeur partenaire",
}


class AtelierListModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[AtelierInfo] = []

    def set_rows(self, rows: list[AtelierInfo]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        a = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                f"{a.date:%d/%m/%Y}" + (f" ({a.moment})" if a.moment else ""),
                a.bassin,
                a.title,
                a.place or "—",
                KINDS.get(a.kind, a.kind),
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return a.participants or a.title
        return None

    def atelier_at(self, row: int) -> AtelierInfo | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None
