"""Modèle de la liste des instantanés (lue sans charger leur contenu)."""

from __future__ import annotations

from typing import Any

from roadmap_app.committees.snapshots import SnapshotInfo
from ui.models.table_base import ROW_ROLE, Column, RowTableModel

INFO_ROLE = ROW_ROLE


def _total(info: SnapshotInfo, key: str) -> int:
    return sum(counts.get(key, 0) for counts in info.summary.get("bassins", {}).values())


class SnapshotListModel(RowTableModel[SnapshotInfo]):
    columns = (
        Column("Nom", lambda i: i.name),
        Column("Comité", lambda i: i.committee),
        Column("Date", lambda i: f"{i.taken_on:%d/%m/%Y}"),
        Column("Auteur", lambda i: i.author),
        Column("Actions", lambda i: str(i.summary.get("actions", "")), align_right=True),
        Column(
            "Actions × bassins réalisées",
            lambda i: str(_total(i, "realise")),
            "Une action compte une fois par bassin : 35 actions dans 3 bassins font 105 cellules",
            True,
        ),
        Column(
            "Actions × bassins en retard",
            lambda i: str(_total(i, "en_retard")),
            "Une action compte une fois par bassin où elle est en retard au moment de l'instantané",
            True,
        ),
    )

    @property
    def infos(self) -> list[SnapshotInfo]:
        return self.rows

    def set_rows(self, rows: list[SnapshotInfo]) -> None:
        super().set_rows(list(reversed(rows)))  # le plus récent en haut

    def row_tooltip(self, row: SnapshotInfo, column: int) -> Any:
        return f"{row.name} — figé le {row.created_at.astimezone():%d/%m/%Y à %H:%M} par {row.author} ({row.roadmap_name})"
