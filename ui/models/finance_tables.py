"""Modèles Qt (tables) de la page Financement : plan de financement, dépenses, consommation, versements.

Chaque modèle reçoit des lignes détachées des services (``set_rows``) ; aucune requête ici.
Les alertes sont écrites (symbole ✖ ⚠ ℹ et mot), la couleur n'est qu'un appoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from roadmap_app.core.formatting import format_euros
from roadmap_app.finance.money import format_quantity
from roadmap_app.finance.read import (
    ExpenseRow,
    Flag,
    LineConsumption,
    PaymentRow,
    PlanLine,
    VoletFinance,
    payment_kind_label,
)

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

SHORT_FLAG = {
    "depassement_ligne": "dépassement",
    "sans_montant_prevu": "sans montant prévu",
    "ecart_unites_cout": "écart nombre × coût",
    "autre_volet": "autre volet",
    "ligne_pour_info": "pour info",
}
FLAG_COLORS = {"erreur": "#B42318", "alerte": "#B54708", "info": "#475467"}
BANDS = {"section": "#EEF2F7", "subtotal": "#F2F4F7", "total": "#FFF4E5", "plafond": "#D6E4FA"}


def flags_text(flags: tuple[Flag, ...] | list[Flag]) -> str:
    return " ; ".join(f"{f.symbol} {SHORT_FLAG.get(f.code, f.code)}" for f in flags)


def flags_tooltip(flags: tuple[Flag, ...] | list[Flag]) -> str:
    return "\n".join(f.text() for f in flags)


def pct_text(value: Any) -> str:
    return "" if value is None else f"{value:.1f} %".replace(".", ",")


class _RowsModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()
    TOOLTIPS: ClassVar[dict[int, str]] = {}
    NUMERIC: frozenset[int] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.TOOLTIPS.get(section)
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self.NUMERIC:
            return int(RIGHT)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and col in self.NUMERIC:
            return int(RIGHT)
        return self.cell(row, col, role)

    def cell(self, row: Any, col: int, role: int) -> Any:  # pragma: no cover - abstrait
        raise NotImplementedError


# -- plan de financement -------------------------------------------------------------------
@dataclass(frozen=True)
class PlanDisplayRow:
    kind: str  # section | line | subtotal | total | plafond
    label: str = ""
    line: PlanLine | None = None
    amount_cents: int | None = None


def plan_rows(vf: VoletFinance) -> list[PlanDisplayRow]:
    rows: list[PlanDisplayRow] = []
    for s in vf.sections:
        rows.append(PlanDisplayRow("section", s.title))
        rows.extend(
            PlanDisplayRow("line", line=ln, amount_cents=ln.montant_cents) for ln in s.lines
        )
        rows.append(PlanDisplayRow("subtotal", f"Total {s.title}", amount_cents=s.total_cents))
    rows.append(
        PlanDisplayRow(
            "total",
            f"TOTAL BESOINS DÉPARTEMENTAUX AU TITRE DU {vf.volet.title.upper()}",
            amount_cents=vf.plan_total_cents,
        )
    )
    rows.append(
        PlanDisplayRow("plafond", "Plafond de la convention", amount_cents=vf.volet.plafond_cents)
    )
    return rows


class PlanTableModel(_RowsModel):
    HEADERS = (
        "Nature de dépenses",
        "Objet de la dépense",
        "Précisions",
        "Existant",
        "Cible",
        "Delta",
        "Montant delta",
        "Fin. compl.",
    )
    TOOLTIPS: ClassVar[dict[int, str]] = {
        3: "Ressources existantes (ETP et volumes financiers), telles qu'écrites",
        4: "Cible (besoins en ETP et volumes financiers)",
        5: "Delta entre la cible et l'existant, tel qu'écrit dans le document",
        6: "Montant delta (en volume financier compte tenu d'une montée en charge progressive)",
        7: "Financement complémentaire : source(s) identifiée(s)",
    }
    NUMERIC = frozenset({6})

    def cell(self, row: PlanDisplayRow, col: int, role: int) -> Any:
        ln = row.line
        if role == Qt.ItemDataRole.DisplayRole:
            if ln is None:
                if col == 0:
                    return row.label
                if col == 6 and row.kind != "section":
                    return "—" if row.amount_cents is None else format_euros(row.amount_cents)
                return None
            values = [
                ln.nature,
                ln.objet,
                ln.precisions,
                ln.existant,
                ln.cible,
                ln.delta,
                "—" if ln.montant_cents is None else format_euros(ln.montant_cents),
                ln.financement_complementaire,
            ]
            text = values[col]
            if col == 1 and ln.note:  # en tête : reste visible quand un long objet est coupé
                text = f"ℹ {text}" if text else "ℹ"
            return text
        if role == Qt.ItemDataRole.FontRole and row.kind != "line":
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and row.kind in BANDS:
            return QBrush(QColor(BANDS[row.kind]))
        if role == Qt.ItemDataRole.ForegroundRole and ln is not None and ln.informative:
            return QBrush(QColor("#667085"))
        if role == Qt.ItemDataRole.ToolTipRole and ln is not None:
            parts = [f"{ln.nature} — {ln.objet}" if ln.objet else ln.nature]
            if ln.precisions:
                parts.append(ln.precisions)
            if ln.note:
                parts.append(f"ℹ Note : {ln.note}")
            if ln.informative:
                parts.append(
                    "Ligne « Pour info » : moyens de l'opérateur, hors total départemental."
                )
            parts.append("Double-clic ou Entrée pour modifier.")
            return "\n".join(parts)
        return None


# -- dépenses --------------------------------------------------------------------------------
class ExpenseTableModel(_RowsModel):
    HEADERS = (
        "Ligne du plan",
        "Rubrique (annexe 3)",
        "Nature de la dépense",
        "Unité",
        "Nb d'unités",
        "Coût unitaire",
        "Date ou période",
        "Objet de la dépense",
        "Montant",
        "Alertes",
    )
    NUMERIC = frozenset({4, 5, 8})
    TOOLTIPS: ClassVar[dict[int, str]] = {
        8: "Montant retenu ; s'il diffère de nombre × coût unitaire, l'écart est signalé"
    }

    def cell(self, e: ExpenseRow, col: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            sort = role == SORT_ROLE
            if col == 4:
                return e.units_milli if sort else format_quantity(e.units_milli)
            if col == 5:
                return e.unit_cost_cents if sort else _eur(e.unit_cost_cents)
            if col == 6:
                return (
                    (e.period.start.isoformat() if e.period.start else "")
                    if sort
                    else e.period.display()
                )
            if col == 8:
                return e.montant_cents if sort else format_euros(e.montant_cents)
            return [
                e.line_label, e.rubrique_label, e.nature, e.unite, None, None, None, e.objet, None,
                flags_text(e.flags),
            ][col]  # fmt: skip
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 9 and e.flags:
                return flags_tooltip(e.flags)
            if col == 8 and e.computed_cents is not None:
                return f"Nombre × coût unitaire = {format_euros(e.computed_cents)}"
            if col in (0, 2, 7):
                return [e.line_label, None, e.nature, None, None, None, None, e.objet][col] or None
        if role == Qt.ItemDataRole.ForegroundRole and col == 9 and e.flags:
            return QBrush(QColor(FLAG_COLORS[e.flags[0].severity]))
        return None


def _eur(cents: int | None) -> str:
    return "" if cents is None else format_euros(cents)


# -- consommation ------------------------------------------------------------------------------
class ConsumptionTableModel(_RowsModel):
    HEADERS = (
        "Ligne du plan de financement",
        "Prévu",
        "Dépensé",
        "Reste",
        "Taux",
        "Dépenses",
        "Alertes",
    )
    NUMERIC = frozenset({1, 2, 3, 4, 5})
    TOOLTIPS: ClassVar[dict[int, str]] = {
        1: "Montant delta du plan de financement",
        2: "Somme des dépenses déclarées sur la ligne",
        4: "Dépensé / prévu",
    }

    def cell(self, lc: LineConsumption, col: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            sort = role == SORT_ROLE
            values: list[Any] = [
                lc.line.label,
                lc.planned_cents if sort else ("—" if lc.planned_cents is None else format_euros(lc.planned_cents)),
                lc.spent_cents if sort else format_euros(lc.spent_cents),
                lc.remaining_cents if sort else _eur(lc.remaining_cents),
                lc.rate_pct if sort else pct_text(lc.rate_pct),
                lc.expense_count,
                flags_text(lc.flags),
            ]  # fmt: skip
            return values[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 6 and lc.flags:
                return flags_tooltip(lc.flags)
            if col == 0:
                return lc.line.label
        if role == Qt.ItemDataRole.ForegroundRole:
            if col in (3, 6) and lc.flags:
                return QBrush(QColor(FLAG_COLORS[lc.flags[0].severity]))
            if lc.line.informative:
                return QBrush(QColor("#667085"))
        return None


# -- versements --------------------------------------------------------------------------------
class PaymentTableModel(_RowsModel):
    HEADERS = ("Nature", "Date", "Montant", "Référence", "Note")
    NUMERIC = frozenset({2})
    rate_pct: int | None = None

    def cell(self, p: PaymentRow, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            amount = -p.amount_cents if p.kind == "remboursement" else p.amount_cents
            return [
                payment_kind_label(p.kind, self.rate_pct),
                f"{p.date:%d/%m/%Y}",
                format_euros(amount),
                p.reference,
                p.note,
            ][col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 4 and p.note:
            return p.note
        return None


class LineFilterProxy(QSortFilterProxyModel):
    """Filtre des dépenses par ligne du plan (``None`` : toutes)."""

    line_id: int | None = None

    def set_line(self, line_id: int | None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.9
            self.beginFilterChange()
            self.line_id = line_id
            self.endFilterChange()
        else:  # pragma: no cover - Qt plus ancien
            self.line_id = line_id
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: Any) -> bool:
        if self.line_id is None:
            return True
        item = self.sourceModel().index(row, 0, parent).data(ROW_ROLE)
        return getattr(item, "line_id", None) == self.line_id
