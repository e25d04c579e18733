"""Filtres du plan, partagés par la CLI et l'interface (même règle partout).

Un filtre porte sur des cellules (action × bassin) : une action est retenue si au moins une
cellule des bassins choisis satisfait ensemble le statut, le retard et l'échéance demandés.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from roadmap_app.core.text import fold
from roadmap_app.plan.read import ActionRow, StatusCell


@dataclass(frozen=True)
class ActionFilter:
    bassin_ids: frozenset[int] | None = None
    statuses: frozenset[str] | None = None
    pilotes: frozenset[str] | None = None  # codes d'organisation
    axe_ids: frozenset[int] | None = None
    overdue_only: bool = False
    due_within_days: int | None = None
    text: str = ""

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(fold(self.text).split())

    def is_empty(self) -> bool:
        return self == ActionFilter(bassin_ids=self.bassin_ids)

    def cell_matches(self, row: ActionRow, cell: StatusCell, today: date) -> bool:
        if self.statuses is not None and cell.status not in self.statuses:
            return False
        if self.overdue_only and not cell.overdue:
            return False
        if self.due_within_days is not None:
            end = row.echeance.end
            if end is None or cell.closed:
                return False
            if not today <= end <= today + timedelta(days=self.due_within_days):
                return False
        return True

    def matching_cells(self, row: ActionRow, today: date) -> list[StatusCell]:
        return [c for c in row.cells(self.bassin_ids) if self.cell_matches(row, c, today)]

    def matches(self, row: ActionRow, today: date, terms: tuple[str, ...] | None = None) -> bool:
        if self.axe_ids is not None and row.axe_id not in self.axe_ids:
            return False
        if self.pilotes is not None and not self.pilotes.intersection(row.pilotes):
            return False
        for term in self.terms if terms is None else terms:
            if term not in row.search_text:
                return False
        cells = row.cells(self.bassin_ids)
        if not cells:
            return False
        return any(self.cell_matches(row, c, today) for c in cells)
