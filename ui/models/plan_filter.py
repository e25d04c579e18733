"""Filtre de l'arbre du plan : ``ActionFilter`` (la même règle que la CLI) appliqué à la vue."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt

from roadmap_app.plan.filters import ActionFilter
from ui.models.plan_tree import FULL_HEADER_ROLE, PlanTreeModel


class PlanFilter:
    """Applique un ``ActionFilter`` à un QTreeView posé sur un ``PlanTreeModel``.

    Le filtre est calculé en un passage sur les actions (Python), puis ``sync_view`` masque ou
    remontre seulement les lignes dont l'état change, et les colonnes des bassins non retenus.
    Le modèle ne retire aucune ligne : retirer des lignes une à une dans un arbre déplié coûtait
    des secondes à 100×, et une remise à zéro obligeait à tout redéplier à chaque frappe."""

    def __init__(self, model: PlanTreeModel) -> None:
        self.model = model
        self._filter = ActionFilter()
        self._terms: tuple[str, ...] = ()
        self._accepted: set[int] | None = None  # identifiants de nœuds ; None : tout est montré
        self._hidden: set[int] = set()  # nœuds masqués dans la vue (état appliqué)
        self._narrow_from: set[int] | None = None
        model.modelReset.connect(self._reset)

    def _reset(self) -> None:
        self._hidden.clear()  # la vue oublie ses lignes masquées à la remise à zéro du modèle
        self._recompute()

    @property
    def action_filter(self) -> ActionFilter:
        return self._filter

    def set_action_filter(self, flt: ActionFilter) -> None:
        if flt == self._filter:
            return
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
        self.model.set_scope(flt.bassin_ids)
        self._recompute()

    def _recompute(self) -> None:
        model = self.model
        if model.plan is None:
            self._accepted = None
            return
        if self._filter.is_empty() and not self._terms:
            self._accepted = None  # sans filtre, les cibles et axes vides restent visibles
            return
        today = model.plan.today
        among, self._narrow_from = self._narrow_from, None
        self._accepted = model.accepted_nodes(
            lambda a: self._filter.matches(a, today, self._terms), among
        )

    def is_shown(self, node_id: int) -> bool:
        return self._accepted is None or node_id in self._accepted

    def sync_view(self, view: Any) -> None:
        """Masque dans ``view`` (un QTreeView sur le modèle) les nœuds écartés par le filtre et
        remontre ceux qui redeviennent visibles (seulement les lignes qui changent), puis les
        colonnes des bassins que le filtre n'a pas retenus."""
        model = self.model
        target = set() if self._accepted is None else model.all_nodes() - self._accepted
        for nid in self._hidden ^ target:
            view.setRowHidden(model.node_row(nid), model.parent_index(nid), nid in target)
        self._hidden = target
        # Toutes les colonnes, pas seulement celles des bassins : l'en-tête garde ses sections
        # masquées par position quand le nombre de colonnes change (bassin archivé ou ajouté,
        # en-tête restauré d'une séance précédente).
        wanted = self._filter.bassin_ids
        for col in range(model.columnCount()):
            bassin = model.bassin_at(col)
            hide = bassin is not None and wanted is not None and bassin.id not in wanted
            if view.isColumnHidden(col) != hide:
                view.setColumnHidden(col, hide)

    def accepted_action_count(self, today: Any) -> int:
        """Actions actives retenues (compteur « N action(s) sur M »), sans refaire le filtre."""
        model = self.model
        if model.plan is None:
            return 0
        active = {a.id for a in model.plan.active_actions()}
        if self._accepted is None:
            return sum(
                1
                for a in model.plan.active_actions()
                if self._filter.matches(a, today, self._terms)
            )
        return model.count_actions(self._accepted, active)


def visible_headers(view: Any) -> list[str]:
    """Intitulés des colonnes affichées par ``view`` (les bassins écartés par le filtre sont masqués)."""
    model = view.model()
    return [
        model.headerData(c, Qt.Orientation.Horizontal, FULL_HEADER_ROLE)
        for c in range(model.columnCount())
        if not view.isColumnHidden(c)
    ]
