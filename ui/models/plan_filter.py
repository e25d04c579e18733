"""Proxy de l'arbre du plan : tri, et filtre ``ActionFilter`` (la même règle que la CLI)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from roadmap_app.services.filters import ActionFilter
from ui.models.plan_tree import COL_CODE, FIXED_HEADERS, SORT_ROLE, PlanTreeModel

Index = QModelIndex | QPersistentModelIndex


class PlanFilterProxy(QSortFilterProxyModel):
    """Tri de l'arbre et filtre ``ActionFilter`` appliqué en masquant des lignes de la vue.

    Le filtre est calculé en un passage sur les actions (Python), puis ``sync_view`` masque ou
    remontre seulement les lignes dont l'état change. Le proxy lui-même ne retire aucune ligne :
    le filtrage incrémental de Qt (lignes retirées une à une, index persistants de l'arbre déplié
    mis à jour à chaque fois) coûtait des secondes à 100×, et une remise à zéro obligeait à tout
    redéplier à chaque frappe."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._filter = ActionFilter()
        self._terms: tuple[str, ...] = ()
        self._accepted: set[int] | None = None  # identifiants de nœuds ; None : tout est montré
        self._hidden: set[int] = set()  # nœuds masqués dans la vue (état appliqué)
        self._narrow_from: set[int] | None = None
        self.modelReset.connect(self._hidden.clear)  # la vue oublie alors ses lignes masquées

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
        columns_changed = flt.bassin_ids != self._filter.bassin_ids
        # Frappe qui allonge le texte cherché, le reste inchangé : les actions retenues ne peuvent
        # être que parmi celles déjà retenues (recherche de sous-chaînes).
        narrowing = (
            self._accepted is not None
            and flt.text.startswith(self._filter.text)
            and replace(flt, text="") == replace(self._filter, text="")
        )
        self._narrow_from = self._accepted if narrowing else None
        self._filter = flt
        self._terms = flt.terms
        src = self.sourceModel()
        if isinstance(src, PlanTreeModel):
            src.set_scope(flt.bassin_ids)
        if columns_changed:  # colonnes de statut : seulement celles du bassin choisi
            if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.10
                self.beginFilterChange()
                self.endFilterChange(QSortFilterProxyModel.Direction.Columns)
            else:  # pragma: no cover - Qt plus ancien
                self.invalidateColumnsFilter()
        self._recompute()

    def _recompute(self) -> None:
        src = self.sourceModel()
        if not isinstance(src, PlanTreeModel) or src.plan is None:
            self._accepted = None
            return
        if self._filter.is_empty() and not self._terms:
            self._accepted = None  # sans filtre, les cibles et axes vides restent visibles
            return
        today = src.plan.today
        among, self._narrow_from = self._narrow_from, None
        self._accepted = src.accepted_nodes(
            lambda a: self._filter.matches(a, today, self._terms), among
        )

    def is_shown(self, node_id: int) -> bool:
        return self._accepted is None or node_id in self._accepted

    def sync_view(self, view: Any) -> None:
        """Masque dans ``view`` (un QTreeView sur ce proxy) les nœuds écartés par le filtre et
        remontre ceux qui redeviennent visibles ; ne touche qu'aux lignes qui changent."""
        src = self.sourceModel()
        assert isinstance(src, PlanTreeModel)
        target = set() if self._accepted is None else src.all_nodes() - self._accepted
        for nid in self._hidden ^ target:
            idx = self.mapFromSource(src.node_model_index(nid))
            if idx.isValid():
                view.setRowHidden(idx.row(), idx.parent(), nid in target)
        self._hidden = target

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
