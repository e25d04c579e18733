"""Modèle de la liste des instantanés (lue sans charger leur contenu)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from roadmap_app.services.snapshots import SnapshotInfo

Index = QModelIndex | QPersistentModelIndex
COL_NAME, COL_COMMITTEE, COL_DATE, COL_AUTHOR, COL_ACTIONS, COL_DONE, COL_LATE = range(7)
HEADERS = ("Nom", "Comité", "Date", "Auteur", "Actions", "Réalisées", "En retard")
INFO_ROLE = Qt.ItemDataRole.UserRole + 30


def _total(info: SnapshotInfo, key: str) -> int:
    return sum(counts.get(key, 0) for counts in info.summary.get("bassins", {}).values())


class SnapshotListModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.infos: list[SnapshotInfo] = []

    def set_rows(self, infos: list[SnapshotInfo]) -> None:
        self.beginResetModel()
        self.infos = list(reversed(infos))  # le plus récent en haut
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.infos)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return {
                COL_DONE: "Cellules action × bassin réalisées au moment de l'instantané",
                COL_LATE: "Cellules action × bassin en retard au moment de l'instantané",
            }.get(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        info = self.infos[index.row()]
        col = index.column()
        if role == INFO_ROLE:
            return info
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                info.name,
                info.committee,
                f"{info.taken_on:%d/%m/%Y}",
                info.author,
                str(info.summary.get("actions", "")),
                str(_total(info, "realise")),
                str(_total(info, "en_retard")),
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{info.name} — figé le {info.created_at.astimezone():%d/%m/%Y à %H:%M} par {info.author} ({info.roadmap_name})"
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= COL_ACTIONS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def info_at(self, row: int) -> SnapshotInfo | None:
        return self.infos[row] if 0 <= row < len(self.infos) else None
