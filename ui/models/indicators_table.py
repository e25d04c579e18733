"""Table de la page Indicateurs : une ligne par indicateur et par bassin (ou tout le plan)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from roadmap_app.indicators.model import (
    BELOW,
    REACHED,
    STATUS_MARKS,
    State,
    format_value,
    value_period,
)
from ui.models.table_base import Column, RowTableModel
from ui.style import DANGER, MUTED, SUCCESS

MARKS = {status: f"{STATUS_MARKS[status]} " for status in (REACHED, BELOW)}  # « ● atteint », « ▼ en-dessous »


@dataclass(frozen=True)
class IndicatorRow:
    state: State
    actions: str
    source: str


def _step(row: IndicatorRow, which: str) -> str:
    st = row.state
    step = st.baseline if which == "baseline" else st.target
    if step is None:
        return "—"
    return f"{format_value(st.indicator, step.value)} ({step.when(st.indicator)})"


def _last(row: IndicatorRow) -> str:
    st = row.state
    if st.last is None:
        return "—"
    return f"{format_value(st.indicator, st.last.value)} ({value_period(st.indicator, st.last.day)})"


class IndicatorsTableModel(RowTableModel[IndicatorRow]):
    columns = (
        Column("Indicateur", lambda r: r.state.indicator.label),
        Column("Code", lambda r: r.state.indicator.code),
        Column("Bassin", lambda r: r.state.where),
        Column("Actions", lambda r: r.actions or "—", "Actions mesurées par l'indicateur (liées)"),
        Column("Référence", lambda r: _step(r, "baseline"), "Situation de référence (date)"),
        Column("Cible", lambda r: _step(r, "target"), "Cible en vigueur à la date de la dernière valeur"),
        Column("Dernière valeur", _last),
        Column("Statut", lambda r: MARKS.get(r.state.status, "") + r.state.status),
        Column("Source", lambda r: r.source),
    )

    def extra_data(self, row: IndicatorRow, column: int, role: int) -> Any:
        if column == 7 and role == Qt.ItemDataRole.ForegroundRole:
            return QColor({REACHED: SUCCESS, BELOW: DANGER}.get(row.state.status, MUTED))
        return None

    def row_tooltip(self, row: IndicatorRow, column: int) -> Any:
        """Le texte entier de la cellule (abrégé « … » quand la colonne est étroite) ; sur
        l'intitulé et le code, la définition de l'indicateur."""
        d = row.state.indicator
        if column in (0, 1):
            return f"{d.label} ({d.code}, source : {row.source})\n{d.definition}"
        if column == 3:
            return f"Actions mesurées : {row.actions}" if row.actions else "Ne mesure aucune action"
        return self.columns[column].value(row)
