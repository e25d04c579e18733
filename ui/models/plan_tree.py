"""Modèle Qt de l'arbre axes → cibles → actions, colonnes de statut par bassin."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from roadmap_app.core.text import fold
from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.read import ActionRow, AxeNode, CibleNode, PlanView
from ui.style import DANGER, MUTED, SUCCESS, status_icon

Index = QModelIndex | QPersistentModelIndex

NODE_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 3
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 4
SORT_ROLE = Qt.ItemDataRole.UserRole + 5
KIND_ROLE = Qt.ItemDataRole.UserRole + 6
#: tout ce que dessine le délégué des statuts, en un appel : (genre, statut, en retard, avancement)
CELL_ROLE = Qt.ItemDataRole.UserRole + 8
#: en-tête : le nom complet (l'en-tête affiché peut être le code court d'un bassin)
FULL_HEADER_ROLE = Qt.ItemDataRole.UserRole + 7

COL_CODE, COL_TITLE, COL_ECHEANCE, COL_PILOTES = range(4)
FIXED_HEADERS = ("Code", "Intitulé", "Échéance", "Pilotes")
MIME_TYPE = "application/x-roadmap-app-plan-node"
ARCHIVED_SUFFIX = {"axe": " (archivé)", "cible": " (archivée)", "action": " (archivée)"}
# Calculés une fois : combiner des drapeaux Qt en Python coûte, et ``flags`` est appelé par ligne.
_HIDDEN_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_FLAGS = _HIDDEN_FLAGS | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled


@dataclass
class _Node:
    kind: str  # "axe" | "cible" | "action"
    payload: Any
    parent: int  # identifiant du parent, -1 pour la racine
    row: int
    children: list[int] = field(default_factory=list)


class PlanTreeModel(QAbstractItemModel):
    """Arbre en lecture ; les modifications passent par les services puis ``update_action``.

    La vue est posée directement sur ce modèle, sans ``QSortFilterProxyModel`` : le tri est fait ici
    (``sort``), le filtre masque des lignes et des colonnes de la vue (``PlanFilter``). Un proxy
    Qt recopiait la structure de l'arbre et interrogeait chaque nœud quatre fois de plus en Python
    pour le déplier (0,12 s au lieu de 0,03 s à 100×).

    Glisser-déposer : le modèle ne déplace rien lui-même ; il émet ``move_requested(kind, id,
    parent_id, before_id)`` (``before_id`` : ``None`` pour « à la fin ») et la page appelle le
    service, puis recharge le plan.
    """

    move_requested = Signal(str, int, int, object)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._nodes: list[_Node] = []
        self._roots: list[int] = []
        self._action_node: dict[int, int] = {}
        self._plan: PlanView | None = None
        self._bassins: list[Any] = []
        self._scope: frozenset[int] | None = None
        #: colonnes de bassin trop étroites pour le nom : l'en-tête montre le code (MON, AUD…)
        self._short_headers: frozenset[int] = frozenset()
        self._cache: dict[tuple[Any, ...], Any] = {}
        #: tri demandé par la vue (colonne, ordre) ; code croissant = ordre du document
        self._sort: tuple[int, Qt.SortOrder] = (COL_CODE, Qt.SortOrder.AscendingOrder)
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)
        #: colonne « Indicateurs » (atteints / liés) : la Feuille de route la montre, pas un instantané
        self.show_indicators = False
        self._indicators: dict[int, Any] = {}

    # -- chargement ---------------------------------------------------------------
    def set_plan(self, plan: PlanView) -> None:
        self.beginResetModel()
        self._cache.clear()
        self._plan = plan
        self._bassins = list(plan.bassins)
        self._nodes, self._roots, self._action_node = [], [], {}
        for ai, axe in enumerate(plan.axes):
            axe_id = self._add("axe", axe, -1, ai)
            self._roots.append(axe_id)
            for ci, cible in enumerate(axe.cibles):
                cible_id = self._add("cible", cible, axe_id, ci)
                self._nodes[axe_id].children.append(cible_id)
                for xi, action in enumerate(cible.actions):
                    nid = self._add("action", action, cible_id, xi)
                    self._nodes[cible_id].children.append(nid)
                    self._action_node[action.id] = nid
        if self._sort[0] >= self.columnCount():  # colonne d'un bassin qui n'est plus affiché
            self._sort = (COL_CODE, Qt.SortOrder.AscendingOrder)
        self._order_siblings()
        self.endResetModel()

    def _add(self, kind: str, payload: Any, parent: int, row: int) -> int:
        self._nodes.append(_Node(kind, payload, parent, row))
        return len(self._nodes) - 1

    @property
    def plan(self) -> PlanView | None:
        return self._plan

    @property
    def bassins(self) -> list[Any]:
        return self._bassins

    def bassin_column(self, bassin_id: int) -> int:
        for i, b in enumerate(self._bassins):
            if b.id == bassin_id:
                return len(FIXED_HEADERS) + i
        raise KeyError(bassin_id)

    def bassin_at(self, column: int) -> Any | None:
        i = column - len(FIXED_HEADERS)
        return self._bassins[i] if 0 <= i < len(self._bassins) else None

    @property
    def progress_column(self) -> int:
        return len(FIXED_HEADERS) + len(self._bassins)

    @property
    def indicators_column(self) -> int:
        """Colonne « Indicateurs » (après l'avancement) ; -1 si elle n'est pas montrée."""
        return self.progress_column + 1 if self.show_indicators else -1

    def set_indicator_summary(self, summaries: dict[int, Any]) -> None:
        """Par action : ``ActionIndicators`` (statut par bassin des indicateurs liés,
        ``roadmap_app.indicators.model``), cumulés à l'affichage selon les bassins retenus."""
        self._indicators = summaries
        self._cache = {k: v for k, v in self._cache.items() if k[0] != "indicators"}
        if self._nodes and self.show_indicators:
            col = self.indicators_column
            self.dataChanged.emit(self.index(0, col), self.index(self.rowCount() - 1, col))

    def indicator_summary(self, node_id: int) -> Any:
        """Cumul des indicateurs d'une action, d'une cible ou d'un axe (``None`` : aucun lien), sur
        les bassins retenus par le filtre (``set_scope``)."""
        node = self._nodes[node_id]

        def total() -> Any:
            actions = [node.payload] if node.kind == "action" else self._node_actions(node)
            found = [self._indicators[a.id] for a in actions if a.id in self._indicators]
            if not found:
                return None
            out = found[0]
            for one in found[1:]:
                out = out + one
            return out.summary(self._scope)

        return self._cached(("indicators", node_id), total)

    @staticmethod
    def _node_actions(node: _Node) -> list[ActionRow]:
        return list(node.payload.actions) if node.kind == "cible" else list(node.payload.actions())

    def _indicator_data(self, node_id: int, role: int) -> Any:
        summary = self.indicator_summary(node_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return "—" if summary is None else summary.text
        if role == SORT_ROLE:
            return -1 if summary is None else (summary.on_target / summary.linked, summary.linked)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Aucun indicateur lié" if summary is None else summary.describe
        if role == Qt.ItemDataRole.ForegroundRole and summary is not None:
            if summary.below:
                return QColor(DANGER)
            if summary.on_target == summary.linked:
                return QColor(SUCCESS)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return "Aucun indicateur lié" if summary is None else summary.describe
        return None

    def set_short_headers(self, columns: frozenset[int]) -> None:
        """Colonnes de bassin dont l'en-tête montre le code court (nom dans l'infobulle)."""
        if columns != self._short_headers:
            self._short_headers = columns
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def set_scope(self, bassin_ids: frozenset[int] | None) -> None:
        """Bassins pris en compte pour le retard et l'avancement cumulé."""
        if bassin_ids == self._scope:
            return
        self._scope = bassin_ids
        self._cache.clear()
        if self._nodes:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )
            if self._sort_depends_on_data():  # l'avancement cumulé dépend des bassins retenus
                self.sort(*self._sort)

    def update_action(self, action: ActionRow) -> None:
        """Remplace une action relue après modification et rafraîchit sa ligne et ses parents."""
        nid = self._action_node.get(action.id)
        if nid is None:
            return
        node = self._nodes[nid]
        old: ActionRow = node.payload
        node.payload = action
        self._cache.clear()
        cible: CibleNode = self._nodes[node.parent].payload
        cible.actions[cible.actions.index(old)] = action
        last = self.columnCount() - 1
        current = nid
        while current != -1:
            n = self._nodes[current]
            self.dataChanged.emit(
                self.createIndex(n.row, 0, current), self.createIndex(n.row, last, current)
            )
            current = n.parent
        if self._sort_depends_on_data():  # le statut ou l'échéance modifiés déplacent la ligne
            self.sort(*self._sort)

    # -- tri ------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Trie les frères (axes ; cibles d'un axe ; actions d'une cible) sur ``SORT_ROLE`` de
        ``column``. Code croissant (ou colonne -1) : l'ordre du document. À valeur égale, l'ordre
        du document est gardé ; les lignes sans valeur vont à la fin. Les index persistants (lignes
        dépliées, masquées, sélectionnées) suivent leurs nœuds."""
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        self._order_siblings()
        nodes = self._nodes
        self.changePersistentIndexList(
            persistent,
            [self.createIndex(nodes[i.internalId()].row, i.column(), i.internalId()) for i in persistent],
        )  # fmt: skip
        self.layoutChanged.emit()

    def _sort_depends_on_data(self) -> bool:
        column, order = self._sort
        return column >= 0 and not (column == COL_CODE and order == Qt.SortOrder.AscendingOrder)

    def _order_siblings(self) -> None:
        """Range chaque groupe de frères selon ``self._sort`` et met à jour les rangs."""
        column, order = self._sort
        by_data = self._sort_depends_on_data()
        nodes = self._nodes
        groups = [self._roots] + [n.children for n in nodes if n.children]
        for group in groups:
            group.sort()  # identifiants attribués dans l'ordre du document
            if by_data:
                keys = {nid: self._sort_key(nid, column) for nid in group}
                known = {nid: k for nid, k in keys.items() if k is not None}
                valued = [nid for nid in group if nid in known]
                valued.sort(key=known.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
                group[:] = valued + [nid for nid in group if keys[nid] is None]
            for row, nid in enumerate(group):
                nodes[nid].row = row

    def _sort_key(self, nid: int, column: int) -> tuple[int, Any] | None:
        """Clé comparable : nombres entre eux, textes sans casse ni accents entre eux."""
        if column == COL_CODE:  # identifiants attribués dans l'ordre du document
            return (0, nid)
        value = self.data(self.createIndex(self._nodes[nid].row, column, nid), SORT_ROLE)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return (1, fold(value))
        return (0, value)

    def action_index(self, action_id: int) -> QModelIndex:
        nid = self._action_node.get(action_id)
        if nid is None:
            return QModelIndex()
        return self.createIndex(self._nodes[nid].row, 0, nid)

    def all_nodes(self) -> set[int]:
        return set(range(len(self._nodes)))

    def node_row(self, node_id: int) -> int:
        """Rang du nœud parmi ses frères, dans l'ordre affiché."""
        return self._nodes[node_id].row

    def parent_index(self, node_id: int) -> QModelIndex:
        """Index (colonne 0) du parent du nœud, invalide pour un axe."""
        pid = self._nodes[node_id].parent
        return QModelIndex() if pid == -1 else self.createIndex(self._nodes[pid].row, 0, pid)

    def accepted_nodes(
        self, keep: Callable[[ActionRow], bool], among: set[int] | None = None
    ) -> set[int]:
        """Actions retenues par ``keep`` et leurs cibles et axes (un seul passage) ; ``among`` :
        ne regarder que ces nœuds (filtre resserré : le texte cherché s'est allongé)."""
        accepted: set[int] = set()
        nodes = self._nodes
        candidates = range(len(nodes)) if among is None else among
        for nid in candidates:
            node = nodes[nid]
            if node.kind == "action" and keep(node.payload):
                current = nid
                while current != -1 and current not in accepted:
                    accepted.add(current)
                    current = self._nodes[current].parent
        return accepted

    def count_actions(self, node_ids: set[int], action_ids: set[int]) -> int:
        """Nombre de nœuds de ``node_ids`` qui sont des actions dont l'id est dans ``action_ids``."""
        return sum(
            1
            for nid in node_ids
            if self._nodes[nid].kind == "action" and self._nodes[nid].payload.id in action_ids
        )

    def node_at(self, index: Index) -> _Node | None:
        if not index.isValid():
            return None
        return self._nodes[index.internalId()]

    def node_index(self, kind: str, node_id: int) -> QModelIndex:
        """Index (colonne 0) de l'axe, de la cible ou de l'action d'identifiant donné."""
        for nid, n in enumerate(self._nodes):
            if n.kind == kind and n.payload.id == node_id:
                return self.createIndex(n.row, 0, nid)
        return QModelIndex()

    # -- structure ----------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid():
            children = self._nodes[parent.internalId()].children
        else:
            children = self._roots
        if 0 <= row < len(children) and 0 <= column < len(FIXED_HEADERS) + len(self._bassins) + 1 + self.show_indicators:
            return self.createIndex(row, column, children[row])
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        pid = self._nodes[index.internalId()].parent
        if pid == -1:
            return QModelIndex()
        return self.createIndex(self._nodes[pid].row, 0, pid)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        # Un seul appel Python par ligne quand la vue se met en page (sinon rowCount + columnCount).
        if not parent.isValid():
            return bool(self._roots)
        return parent.column() == 0 and bool(self._nodes[parent.internalId()].children)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.column() > 0:
            return 0
        if parent.isValid():
            return len(self._nodes[parent.internalId()].children)
        return len(self._roots)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(FIXED_HEADERS) + len(self._bassins) + 1 + self.show_indicators

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, FULL_HEADER_ROLE):
            if section < len(FIXED_HEADERS):
                return FIXED_HEADERS[section]
            if section == self.indicators_column:
                return "Ind." if section in self._short_headers and role == Qt.ItemDataRole.DisplayRole else "Indicateurs"
            b = self.bassin_at(section)
            short = role == Qt.ItemDataRole.DisplayRole and section in self._short_headers
            if b is None:
                return "Av." if short else "Avancement"
            code = str(getattr(b, "code", "") or "")
            return code if short and code else b.name
        if role == Qt.ItemDataRole.ToolTipRole:
            b = self.bassin_at(section)
            if b is not None:
                return f"Statut de l'action dans le bassin {b.name} (cibles et axes : avancement moyen)"
            if section == self.progress_column:
                return "Avancement moyen sur les bassins affichés (saisi, ou 100 % si réalisé, 0 % si à lancer)"
            if section == COL_ECHEANCE:
                return "Échéance telle qu'écrite ; en rouge si elle est dépassée pour un bassin affiché"
            if section == self.indicators_column:
                return ("Indicateurs de suivi liés : atteints / liés (un indicateur est atteint si aucun bassin "
                        "n'est en dessous de sa cible) ; cibles et axes : cumul de leurs actions")  # fmt: skip
        return None

    # -- données ------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._nodes[index.internalId()]
        col = index.column()
        if role == NODE_ROLE:
            return node.payload
        if role == KIND_ROLE:
            return node.kind
        if col == self.indicators_column and col >= 0:
            return self._indicator_data(index.internalId(), role)
        if role == CELL_ROLE:
            return self._cell_data(node, col)
        if node.kind == "action":
            return self._action_data(node.payload, col, role)
        return self._group_data(node, col, role)

    def _cell_data(self, node: _Node, col: int) -> tuple[str, str | None, bool, Any]:
        """(genre, statut, en retard, avancement) d'une cellule de bassin ou d'avancement : un
        seul passage en Python par cellule peinte (au lieu de quatre rôles)."""
        bassin = self.bassin_at(col)
        if node.kind != "action":
            shown = bassin is not None or col == self.progress_column
            return node.kind, None, False, self._group_progress(node, bassin) if shown else None
        a: ActionRow = node.payload
        cell = a.statuses.get(bassin.id) if bassin is not None else None
        if cell is None:
            progress = a.progress(self._scope) if col == self.progress_column else None
            return "action", None, a.overdue(self._scope), progress
        return "action", cell.status, cell.overdue, cell.effective_progress

    def _group_data(self, node: _Node, col: int, role: int) -> Any:
        item: AxeNode | CibleNode = node.payload
        bassin = self.bassin_at(col)
        if role == SORT_ROLE and col == COL_CODE:
            return node.row  # ordre du document, pas l'ordre alphabétique des codes
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if col == COL_CODE:
                return item.code
            if col == COL_TITLE:
                suffix = ARCHIVED_SUFFIX[node.kind] if item.archived else ""
                return item.title.replace("\n", " ") + suffix
            if col == COL_ECHEANCE and role == Qt.ItemDataRole.DisplayRole:
                late = self._cached(("late", id(node), self._scope), lambda: self._late_count(node))
                return f"{late} en retard" if late else ""
            if bassin is not None or col == self.progress_column:
                value = self._group_progress(node, bassin)
                if role == SORT_ROLE:
                    return -1 if value is None else value
                return "—" if value is None else f"{round(value)} %"
            return None
        if role == PROGRESS_ROLE and (bassin is not None or col == self.progress_column):
            return self._group_progress(node, bassin)
        if item.hidden and role == Qt.ItemDataRole.ForegroundRole:
            return QColor(MUTED)
        if item.hidden and role == Qt.ItemDataRole.FontRole:
            return self._italic
        if role == Qt.ItemDataRole.FontRole and (
            node.kind == "axe" or col in (COL_CODE, COL_TITLE)
        ):
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_ECHEANCE:
            return QColor(DANGER)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_TITLE:
                return item.title
            if bassin is not None:
                return f"{bassin.name} : avancement moyen des actions de « {item.code} »"
        return None

    def _cached(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """Cumuls des cibles et des axes (des centaines d'actions à 100×) : calculés une fois par
        état ; le cache est vidé à chaque rechargement, changement de bassins ou action modifiée."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def _group_progress(self, node: _Node, bassin: Any | None) -> float | None:
        scope = self._cell_scope(bassin)
        value: float | None = self._cached(
            ("progress", id(node), scope), lambda: node.payload.progress(scope)
        )
        return value

    def _late_count(self, node: _Node) -> int:
        if node.kind == "cible":
            actions = node.payload.actions
        else:
            actions = list(node.payload.actions())
        return sum(1 for a in actions if a.overdue(self._scope))

    def _cell_scope(self, bassin: Any | None) -> frozenset[int] | None:
        return frozenset({bassin.id}) if bassin is not None else self._scope

    def _action_data(self, a: ActionRow, col: int, role: int) -> Any:
        bassin = self.bassin_at(col)
        cell = a.statuses.get(bassin.id) if bassin is not None else None
        if a.hidden and role == Qt.ItemDataRole.ForegroundRole:
            return QColor(MUTED)
        if a.hidden and role == Qt.ItemDataRole.FontRole:
            return self._italic
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_CODE:
                return a.code
            if col == COL_TITLE:
                return a.intitule + (ARCHIVED_SUFFIX["action"] if a.archived else "")
            if col == COL_ECHEANCE:
                # « ⚠ » plutôt que « · en retard » : la colonne reste étroite ; la couleur, le gras
                # et l'infobulle (« — en retard ») disent le reste ; « (?) » : lecture signalée
                late = "⚠ " if a.overdue(self._scope) else ""
                doubt = "(?) " if a.echeance.flag else ""
                return late + doubt + (a.echeance.label or "—")
            if col == COL_PILOTES:
                return " · ".join(a.pilotes) or "—"
            if bassin is not None:
                if cell is None:
                    return "non concerné"
                text = status_rules.label(cell.status)
                if cell.progress is not None:
                    text += f" · {cell.progress} %"
                return text + (" · en retard" if cell.overdue else "")
            if col == self.progress_column:
                value = a.progress(self._scope)
                return "—" if value is None else f"{round(value)} %"
        elif role == SORT_ROLE:
            if col == COL_CODE:
                return a.position
            if col == COL_ECHEANCE:
                return a.echeance.end.toordinal() if a.echeance.end else 10**9
            if bassin is not None:
                return -1 if cell is None else status_rules.info(cell.status).rank
            if col == self.progress_column:
                value = a.progress(self._scope)
                return -1 if value is None else value
            return self._action_data(a, col, Qt.ItemDataRole.DisplayRole)
        elif role == STATUS_ROLE:
            return None if cell is None else cell.status
        elif role == OVERDUE_ROLE:
            if cell is not None:
                return cell.overdue
            return a.overdue(self._scope)
        elif role == PROGRESS_ROLE:
            if cell is not None:
                return cell.effective_progress
            if col == self.progress_column:
                return a.progress(self._scope)
        elif role == Qt.ItemDataRole.DecorationRole and cell is not None:
            return status_icon(cell.status)
        elif (
            role == Qt.ItemDataRole.ForegroundRole
            and col == COL_ECHEANCE
            and a.overdue(self._scope)
        ):
            return QColor(DANGER)
        elif role == Qt.ItemDataRole.FontRole and col == COL_ECHEANCE and a.overdue(self._scope):
            return self._bold
        elif role == Qt.ItemDataRole.ToolTipRole:
            return self._action_tooltip(a, col, bassin, cell)
        elif role == Qt.ItemDataRole.AccessibleTextRole and cell is not None and bassin is not None:
            return f"{bassin.name} : {status_rules.label(cell.status)}"
        return None

    def _action_tooltip(
        self, a: ActionRow, col: int, bassin: Any | None, cell: Any | None
    ) -> str | None:
        if col in (COL_CODE, COL_TITLE):
            text = a.plan_actions or a.actions_preexistantes
            if len(text) > 700:
                text = text[:700].rstrip() + "…"
            return f"{a.code} — {a.cible_title}\n\n{text}"
        if col == COL_ECHEANCE:
            late = " — en retard" if a.overdue(self._scope) else ""
            return a.echeance.describe() + late
        if col == COL_PILOTES:
            return f"Pilotes (libellé d'origine) : {a.pilotes_label or 'non précisés'}"
        if bassin is not None and cell is not None:
            parts = [f"{bassin.name} : {status_rules.label(cell.status)}"]
            if cell.progress is not None:
                parts.append(f"avancement {cell.progress} %")
            if cell.overdue:
                parts.append("en retard")
            text = " — ".join(parts)
            if cell.note:
                date = f" ({cell.note_date:%d/%m/%Y})" if cell.note_date else ""
                text += f"\nNote{date} : {cell.note}"
            if cell.updated_at is not None:
                text += f"\nModifié le {cell.updated_at.astimezone():%d/%m/%Y à %H:%M} par {cell.updated_by}"
            return text
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return _HIDDEN_FLAGS if self._nodes[index.internalId()].payload.hidden else _FLAGS

    # -- glisser-déposer ------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Any) -> QMimeData:
        data = QMimeData()
        nodes = {i.internalId() for i in indexes if i.isValid()}
        if len(nodes) == 1:
            node = self._nodes[nodes.pop()]
            payload = {"kind": node.kind, "id": node.payload.id}
            data.setData(MIME_TYPE, json.dumps(payload).encode("utf-8"))
        return data

    def _dragged(self, data: QMimeData) -> tuple[str, int] | None:
        if data is None or not data.hasFormat(MIME_TYPE):
            return None
        try:
            payload = json.loads(bytes(data.data(MIME_TYPE).data()).decode("utf-8"))
            return str(payload["kind"]), int(payload["id"])
        except (ValueError, KeyError, TypeError):
            return None

    def drop_target(self, kind: str, row: int, parent: Index) -> tuple[int, int | None] | None:
        """(id du parent d'arrivée, id de l'élément avant lequel placer ou ``None``) pour un
        élément de type ``kind`` lâché à ``row`` sous ``parent`` ; ``None`` si interdit.
        Lâché sur un élément de même type : placé avant lui."""
        target = self.node_at(parent)
        if target is not None and target.payload.hidden:
            return None
        container = {"action": "cible", "cible": "axe", "axe": None}[kind]
        if target is not None and target.kind == kind and row == -1:
            parent_node = self._nodes[target.parent] if target.parent != -1 else None
            return (parent_node.payload.id if parent_node else 0), target.payload.id
        if (target.kind if target is not None else None) != container:
            return None
        children = target.children if target is not None else self._roots
        live = [c for c in children if not self._nodes[c].payload.hidden]
        before = None
        if 0 <= row < len(children):
            following = [c for c in children[row:] if c in live]
            before = self._nodes[following[0]].payload.id if following else None
        return (target.payload.id if target is not None else 0), before

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        dragged = self._dragged(data)
        return dragged is not None and self.drop_target(dragged[0], row, parent) is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        dragged = self._dragged(data)
        if dragged is None or action not in (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction):
            return False
        where = self.drop_target(dragged[0], row, parent)
        if where is None:
            return False
        kind, node_id = dragged
        if where[1] == node_id:
            return False
        self.move_requested.emit(kind, node_id, where[0], where[1])
        return True
