"""Grille mois × indicateurs d'un bassin, modifiable ; l'écriture passe par les services (validée)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from roadmap_app.core.dates import format_month
from roadmap_app.core.formatting import format_count
from roadmap_app.flows.assessment import period, signed
from roadmap_app.flows.catalogue import INDICATORS, PERCENT, Indicator
from roadmap_app.flows.series import BassinSeries, Target, YearToDate, cumulative, entrants_target
from ui.style import DANGER

Index = QModelIndex | QPersistentModelIndex
#: (mois, indicateur, valeur ou None, version lue) → True si enregistré
Writer = Callable[[date, str, float | None, int | None], bool]
#: message (français) d'une saisie refusée avant même d'atteindre les services
Rejecter = Callable[[str], None]


def show_number(ind: Indicator, value: float | None) -> str:
    if value is None:
        return ""
    text = format_count(value)
    return f"{text} %" if ind.unit == PERCENT else text


class FlowsTableModel(QAbstractTableModel):
    def __init__(self, writer: Writer, reject: Rejecter, parent: Any = None) -> None:
        super().__init__(parent)
        self.writer = writer
        self.reject = reject
        self.series: BassinSeries | None = None
        self.months: list[date] = []
        self.targets: list[Target] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_data(self, series: BassinSeries, months: list[date], targets: list[Target]) -> None:
        self.beginResetModel()
        self.series, self.months, self.targets = series, months, targets
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.months)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(INDICATORS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(INDICATORS):
            ind = INDICATORS[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return ind.short
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{ind.label} ({ind.unit})\n\n{ind.definition}" + (
                    f"\nIndicateur national : {ind.annexe}" if ind.annexe else ""
                )
        if (
            orientation == Qt.Orientation.Vertical
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.months)
        ):
            return format_month(self.months[section])
        return None

    def _target_gap(
        self, month: date, ind: Indicator, value: float | None
    ) -> tuple[Target, float, YearToDate] | None:
        """Entrants : la moyenne visée, l'écart du mois à cette moyenne et le cumul jusqu'à ce mois
        (c'est le cumul qui se juge face à l'objectif cumulé, pas le mois seul)."""
        if ind.code != "entrants" or value is None or self.series is None:
            return None
        t = entrants_target(self.targets, self.series.bassin.id, month)
        if t is None:
            return None
        return t, value - t.value, cumulative(self.series, self.targets, month)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.series is None:
            return None
        month, ind = self.months[index.row()], INDICATORS[index.column()]
        value = self.series.value(month, ind.code)
        gap = self._target_gap(month, ind, value)
        below = gap is not None and gap[2].below
        if role == Qt.ItemDataRole.DisplayRole:
            text = show_number(ind, value)
            if gap is not None:
                text += f" ({signed(gap[1])})"  # écart du mois à la moyenne visée
            if below:
                text += " ▼"  # cumul sous l'objectif cumulé : signe en plus de la couleur
            return text
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else (f"{value:g}".replace(".", ","))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and below:
            return QColor(DANGER)
        if role == Qt.ItemDataRole.ToolTipRole:
            cell = self.series.cells.get((month, ind.code))
            lines = [f"{ind.label} — {format_month(month)}"]
            if gap is not None:
                t, delta, y = gap
                lines.append(f"Moyenne visée : {show_number(ind, t.value)} par mois — écart du mois : {signed(delta)} "
                             "(un mois sous la moyenne n'est pas un échec)")  # fmt: skip
                lines.append(
                    f"Cumul {period(y.first, y.last)} : {show_number(ind, y.actual)} pour "
                    f"{show_number(ind, y.target)} visés — "
                    + ("▼ sous l'objectif cumulé" if y.below else "objectif cumulé atteint")
                )
            if cell is not None and cell.value is not None and cell.updated_at is not None:
                lines.append(
                    f"Saisi le {cell.updated_at.astimezone():%d/%m/%Y à %H:%M} par {cell.updated_by}"
                )
            return "\n".join(lines)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.series is None:
            return False
        from roadmap_app.flows.io import parse_number

        month, ind = self.months[index.row()], INDICATORS[index.column()]
        try:
            number = parse_number(value)
        except ValueError:
            self.reject(f"{self.series.bassin.name}, {format_month(month)}, « {ind.label} » : "
                        f"« {value} » n'est pas un nombre.")  # fmt: skip
            return False
        cell = self.series.cells.get((month, ind.code))
        return self.writer(month, ind.code, number, None if cell is None else cell.version)
