"""Proxy de filtrage : applique ``ActionFilter`` (la même règle que la CLI) à l'arbre."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from roadmap_app.services.filters import ActionFilter
from ui.models.plan_tree import COL_CODE, FIXED_HEADERS, SORT_ROLE, PlanTreeModel

Index = QModelIndex | QPersistentModelIndex


class PlanFilterProxy(QSortFilterProxyModel):
    """Les lignes retenues sont calculées une fois par changement de filtre (un passage sur les
    actions, en Python), puis le proxy est remis à zéro : ``filterAcceptsRow`` n'est plus qu'une
    recherche dans un ensemble. Le filtrage incrémental de Qt (lignes retirées une à une, index
    persistants de l'arbre déplié mis à jour à chaque fois) coûtait des secondes à 100×."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._filter = ActionFilter()
        self._terms: tuple[str, ...] = ()
        self._accepted: set[int] | None = None  # identifiants de nœuds ; None : tout est montré

    @property
    def action_filter(self) -> ActionFilter:
        return self._filter

    def setSourceModel(self, model: Any) -> None:
        super().setSourceModel(model)
        if isinstance(model, PlanTreeModel):
            model.modelReset.connect(self._recompute)

    def set_action_filter(self, flt: ActionFilter) -> None:
        if flt == self._filter:
            return
        self.beginResetModel()
        self._filter = flt
        self._terms = flt.terms
        src = self.sourceModel()
        if isinstance(src, PlanTreeModel):
            src.set_scope(flt.bassin_ids)
        self._recompute()
        self.endResetModel()

    def _recompute(self) -> None:
        src = self.sourceModel()
        if not isinstance(src, PlanTreeModel) or src.plan is None:
            self._accepted = None
            return
        if self._filter.is_empty() and not self._terms:
            self._accepted = None  # sans filtre, les cibles et axes vides restent visibles
            return
        today = src.plan.today
        self._accepted = src.accepted_nodes(lambda a: self._filter.matches(a, today, self._terms))

    def accepted_action_count(self, today: Any) -> int:
        """Actions actives retenues (compteur « N action(s) sur M »), sans refaire le filtre."""
        src = self.sourceModel()
        assert isinstance(src, PlanTreeModel)
        if src.plan is None:
            return 0
        active = {a.id for a in src.plan.active_actions()}
        if self._accepted is None:
            return sum(
                1 for a in src.plan.active_actions() if self._filter.matches(a, today, self._terms)
            )
        return src.count_actions(self._accepted, active)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._accepted is None:
            return True
        src = self.sourceModel()
        assert isinstance(src, PlanTreeModel)
        return src.child_id(source_row, source_parent) in self._accepted

    def filterAcceptsColumn(self, source_column: int, source_parent: Index) -> bool:
        if self._filter.bassin_ids is None:  # appelé pour chaque colonne de chaque parent
            return True
        src = self.sourceModel()
        assert isinstance(src, PlanTreeModel)
        bassin = src.bassin_at(source_column)
        return bassin is None or bassin.id in self._filter.bassin_ids

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Tri par code croissant = ordre du document = ordre du modèle source : aucun tri à faire
        (le tri du proxy interroge chaque ligne, en Python, à chaque remise à zéro)."""
        if column == COL_CODE and order == Qt.SortOrder.AscendingOrder:
            column = -1
        super().sort(column, order)

    def source_column_count(self) -> int:
        src = self.sourceModel()
        return len(FIXED_HEADERS) if src is None else src.columnCount()
