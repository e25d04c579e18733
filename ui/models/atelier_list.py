"""Modèle de la liste des ateliers."""

from __future__ import annotations

from typing import Any

from roadmap_app.workshops.ateliers import AtelierInfo
from ui.models.table_base import Column, RowTableModel

KINDS = {
    "lancement": "Journée de lancement",
    "revue": "Revue en séance",
    "classeur": "Classeur partenaire",
}


class AtelierListModel(RowTableModel[AtelierInfo]):
    columns = (
        # l'intitulé d'abord ; le moment (« matin », « AM (matin ou après-midi ?) ») à la ligne
        Column("Atelier", lambda a: a.title),
        Column("Date", lambda a: f"{a.date:%d/%m/%Y}" + (f"\n{a.moment}" if a.moment else "")),
        Column("Bassin", lambda a: a.bassin),
        Column("Lieu", lambda a: a.place or "—"),
        Column("Type", lambda a: KINDS.get(a.kind, a.kind)),
    )

    def row_tooltip(self, row: AtelierInfo, column: int) -> Any:
        return row.participants or row.title

    def atelier_at(self, row: int) -> AtelierInfo | None:
        return self.row_at(row)
