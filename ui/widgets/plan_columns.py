"""Largeurs des colonnes de l'arbre du plan (Feuille de route, instantané consulté) : l'intitulé
prend la place libre et garde au moins ``TITLE_MIN`` ; les autres colonnes rétrécissent d'abord."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QStyle, QTreeView, QWidget

from ui.models.plan_tree import (
    COL_CODE,
    COL_ECHEANCE,
    COL_PILOTES,
    COL_TITLE,
    FIXED_HEADERS,
    FULL_HEADER_ROLE,
    PlanTreeModel,
)
from ui.widgets.status_delegate import BASSIN_WIDTH

#: l'intitulé ne descend pas sous cette largeur (≈ 30 caractères, plus le retrait de l'arbre,
#: dessiné dans sa colonne) tant que les autres colonnes peuvent rétrécir
TITLE_MIN = 260
#: une colonne de bassin réduite garde sa pastille (couleur et symbole, libellé en infobulle)
BASSIN_MIN = 44
#: qui rétrécit d'abord quand la place manque : les bassins (pastille seule), puis l'avancement,
#: les pilotes, l'échéance (jusqu'à « ⚠ 1er juin 2024 » entier) et le code
SHRINK_ORDER = {
    COL_PILOTES: 2,
    COL_ECHEANCE: 3,
    COL_CODE: 4,
}  # le code : jamais sous son texte  # bassins : 0, avancement : 1


_DIGITS = str.maketrans("123456789", "000000000")


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def title_first(tree: QTreeView) -> None:
    """L'intitulé en première colonne, avec les flèches et le retrait de l'arbre : c'est ce qu'on
    lit d'abord (l'annexe 1 bis ne donne pas de codes ; l'application les attribue). Le code suit,
    étroit. Refait après la restauration d'un en-tête enregistré dans l'ancien ordre."""
    header = tree.header()
    if header.visualIndex(COL_TITLE) != 0:
        header.moveSection(header.visualIndex(COL_TITLE), 0)
    tree.setTreePosition(COL_TITLE)


class PlanTreeView(QTreeView):
    """Arbre du plan : prévient ``resized`` quand sa taille change. Un filtre d'événements sur
    l'en-tête ou la zone des lignes verrait passer chaque événement (peinture, survol) en Python."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resized: list[Callable[[], None]] = []

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        for callback in list(self.resized):
            callback()


class PlanColumns(QObject):
    """Refait les largeurs à chaque redimensionnement de la vue et sur demande (``fit``)."""

    def __init__(self, tree: QTreeView, model: PlanTreeModel, plan: Callable[[], Any]) -> None:
        super().__init__(tree)
        self.tree = tree
        self.model = model
        self.plan = plan
        tree.header().setMinimumSectionSize(BASSIN_MIN)
        self._code_width: tuple[Any, int] | None = None  # (plan, largeur)
        if isinstance(tree, PlanTreeView):
            tree.resized.append(self.fit)

    def room(self) -> int:
        """Largeur des lignes, barre de défilement verticale toujours déduite (les largeurs ne
        sautent pas quand elle apparaît ou disparaît)."""
        bar = self.tree.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return self.tree.width() - 2 * self.tree.frameWidth() - bar

    def _longest_code(self, plan: Any, fm: QFontMetrics) -> int:
        """Largeur du code le plus large, calculée une fois par plan. Les chiffres ont la même
        chasse : chaque forme (« NU-0.0 », « EP-00.0 »…) n'est mesurée qu'une fois, même pour les
        3 500 actions du plan à 100×."""
        if plan is None:
            return 40
        if self._code_width is None or self._code_width[0] is not plan:
            shapes = {c.translate(_DIGITS) for c in (a.code for a in plan.actions())}
            width = max((fm.horizontalAdvance(c) for c in shapes), default=40)
            self._code_width = (plan, width)
        return self._code_width[1]

    def wanted(self) -> dict[int, int]:
        """Largeur voulue de chaque colonne affichée autre que l'intitulé (qui prend le reste)."""
        fm = self.tree.fontMetrics()
        plan = self.plan()
        widths: dict[int, int] = {}
        shown_bassins = 0
        for col in range(self.model.columnCount()):
            if col == COL_TITLE or self.tree.isColumnHidden(col):
                continue
            if col == COL_CODE:  # code le plus long (décalé de deux niveaux si l'arbre y est)
                longest = self._longest_code(plan, fm)
                indent = 3 * self.tree.indentation() if self.tree.treePosition() == COL_CODE else 0
                widths[col] = longest + indent + 24  # marges de l'élément comprises
            elif col == COL_ECHEANCE:
                widths[col] = (
                    QFontMetrics(_bold(self.tree.font())).horizontalAdvance("⚠ 1er juin 2024") + 18
                )
            elif col == COL_PILOTES:
                widths[col] = fm.horizontalAdvance("CD · FT") + 18
            elif col == self.model.progress_column:
                widths[col] = fm.horizontalAdvance("Avancement") + 22
            elif col == self.model.indicators_column:
                widths[col] = fm.horizontalAdvance("Indicateurs") + 22
            else:
                shown_bassins += 1
                widths[col] = BASSIN_WIDTH
        if shown_bassins == 1:  # un seul bassin : la pastille entière, avancement compris
            for col in widths:
                if self.model.bassin_at(col) is not None:
                    widths[col] = 150
        return widths

    def fit(self) -> None:
        """L'intitulé prend la place libre et ne descend pas sous ``TITLE_MIN`` : s'il manque de
        la place, les autres colonnes rétrécissent d'abord jusqu'à leur minimum. Refait après un
        rechargement, un filtre qui masque ou remontre des bassins, un redimensionnement, et après
        la restauration d'un en-tête enregistré (qui ne peut donc ramener aucune largeur inutile)."""
        if self.model.columnCount() <= len(FIXED_HEADERS):
            return
        widths = self.wanted()
        room = self.room() - TITLE_MIN
        excess = sum(widths.values()) - room

        def order(col: int) -> int:
            if col in SHRINK_ORDER:
                return SHRINK_ORDER[col]
            if col == self.model.indicators_column:
                return 1
            return 0 if self.model.bassin_at(col) is not None else 1

        fm = self.tree.fontMetrics()
        hfm = QFontMetrics(_bold(self.tree.header().font()))
        # une colonne de bassin réduite garde son code entier en en-tête (« MON », « AUD »)
        code_floor = max(
            (hfm.horizontalAdvance(getattr(b, "code", "")) + 16 for b in self.model.bassins),
            default=BASSIN_MIN,
        )
        floors = {
            COL_CODE: widths.get(COL_CODE, 64),  # le code reste entier : il ne rétrécit pas
            COL_ECHEANCE: QFontMetrics(_bold(self.tree.font())).horizontalAdvance("⚠ 1er juin 2024")
            + 14,
            COL_PILOTES: fm.horizontalAdvance("CD · FT") + 14,
        }

        def floor(col: int) -> int:
            if self.model.bassin_at(col) is not None:
                return max(BASSIN_MIN, code_floor)
            if col == self.model.indicators_column:  # « Ind. » et « 3/5 » : étroite sur un petit écran
                return max(hfm.horizontalAdvance("Ind.") + 12, fm.horizontalAdvance("10/10") + 12)
            return floors.get(col, 56)

        for rank in sorted({order(c) for c in widths}):
            group = [c for c in widths if order(c) == rank]
            while excess > 0 and (room_left := [c for c in group if widths[c] > floor(c)]):
                share = max(excess // len(room_left), 1)  # les bassins rétrécissent ensemble
                for col in room_left:
                    give = min(share, widths[col] - floor(col), excess)
                    widths[col] -= give
                    excess -= give
        header = self.tree.header()
        for col, width in widths.items():
            if header.sectionSize(col) != width:
                header.resizeSection(col, width)
        # en-têtes trop longs pour leur colonne : le code du bassin, « Av. » (nom en infobulle)
        self.model.set_short_headers(
            frozenset(
                col
                for col, width in widths.items()
                if col >= len(FIXED_HEADERS)
                and hfm.horizontalAdvance(
                    self.model.headerData(col, Qt.Orientation.Horizontal, FULL_HEADER_ROLE)
                )
                + 24
                > width
            )
        )
