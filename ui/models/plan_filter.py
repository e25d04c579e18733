"""Proxy de filtrage : applique ``ActionFilter`` (la même règle que la CLI) à l'arbre."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from roadmap_app.services.filters import ActionFilter
from ui.models.plan_tree import FIXED_HEADERS, SORT_ROLE, PlanTreeModel

Index = QModelIndex | QPersistentModelIndex


class PlanFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setSortRole(SORT_ROLE)
        self._filter = ActionFilter()
        self._terms: tuple[str, ...] = ()
        self._today = None

    @property
    def action_filter(self) -> ActionFilter:
        return self._filter

    def set_action_filter(self, flt: ActionFilter) -> None:
        if flt == self._filter:
            return
        columns_changed = flt.bassin_ids != self._filter.bassin_ids
        self._filter = flt
        self._terms = flt.terms
        src = self.sourceModel()
        if isinstance(src, PlanTreeModel):
            src.set_scope(flt.bassin_ids)
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.10
            self.beginFilterChange()
            direction = QSortFilterProxyModel.Direction
            self.endFilterChange(direction.Both if columns_changed else direction.Rows)
        else:  # pragma: no cover - Qt plus ancien
            self.invalidateRowsFilter()
            if columns_changed:
                self.invalidateColumnsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        src = self.sourceModel()
        assert isinstance(src, PlanTreeModel)
        node = src.node_at(src.index(source_row, 0, source_parent))
        if node is None:
            return False
        if node.kind != "action":
            # sans filtre, les cibles et axes vides restent visibles ; sinon ils n'apparaissent
            # que s'ils contiennent une action retenue (filtrage récursif)
            return self._filter.is_empty() and not self._terms
        plan = src.plan
        assert plan is not None
        return self._filter.matches(node.payload, plan.today, self._terms)

    def filterAcceptsColumn(self, source_column: int, source_parent: Index) -> bool:
        src = self.sourceModel()
        assert isinstance(src, PlanTreeModel)
        bassin = src.bassin_at(source_column)
        if bassin is None or self._filter.bassin_ids is None:
            return True
        return bassin.id in self._filter.bassin_ids

    def source_column_count(self) -> int:
        src = self.sourceModel()
        return len(FIXED_HEADERS) if src is None else src.columnCount()
