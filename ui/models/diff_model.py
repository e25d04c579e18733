"""Modèle de table des changements entre deux états (avant barré, après en clair)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape
from typing import Any

from PySide6.QtCore import Qt

from roadmap_app.committees.diff import SnapshotDiff
from roadmap_app.committees.section_change import show_value
from roadmap_app.plan import statuses as status_rules
from ui.models.table_base import Column, RowTableModel

HTML_ROLE = Qt.ItemDataRole.UserRole + 20


@dataclass(frozen=True)
class DiffRow:
    code: str
    axe: str
    bassin: str
    kind: str
    old: str
    new: str
    note: str = ""
    title: str = ""  # intitulé de l'action

    def html(self) -> str:
        if not self.old and not self.new:  # une phrase (lien d'indicateur, définition modifiée)
            return escape(self.note)
        parts = []
        if self.old:
            parts.append(f"<s style='color:#98A2B3'>{escape(self.old)}</s>")
        if self.new:
            parts.append(f"<b>{escape(self.new)}</b>")
        text = " → ".join(parts) if self.old and self.new else "".join(parts)
        if self.note:
            text += f" <span style='color:#667085'>{escape(_in_brackets(self.note))}</span>"
        return text

    def plain(self) -> str:
        if not self.old and not self.new:
            return self.note
        text = f"{self.old} → {self.new}" if self.old and self.new else (self.new or self.old)
        return f"{text} {_in_brackets(self.note)}" if self.note else text


def _in_brackets(note: str) -> str:
    """« (sans cible) » reste tel quel : pas de doubles parenthèses."""
    return note if note.startswith("(") and note.endswith(")") else f"({note})"


def _v(field: str, value: Any) -> str:
    if value is None:
        return "—"
    if field == "status":
        return status_rules.label(value)
    if field == "progress":
        return f"{value} %"
    return show_value(field, value)


def diff_rows(diff: SnapshotDiff, bassin_names: dict[str, str]) -> list[DiffRow]:
    from roadmap_app.committees.indicators_section import SECTION as INDICATORS
    from roadmap_app.committees.indicators_section import describe

    rows: list[DiffRow] = []
    rows_with_titles = rows
    for c in diff.cells:
        rows.append(
            DiffRow(
                c.code,
                c.axe,
                bassin_names.get(c.bassin, c.bassin),
                c.label,
                _v(c.field, c.old),
                _v(c.field, c.new),
            )
        )
    for s in diff.slips:
        note = (
            ""
            if s.days is None
            else (f"recule de {s.days} jours" if s.days > 0 else f"avance de {-s.days} jours")
        )
        rows.append(
            DiffRow(s.code, s.axe, "", "Échéance", s.old_label or "—", s.new_label or "—", note)
        )
    for o in diff.newly_overdue:
        rows.append(
            DiffRow(
                o.code,
                o.axe,
                bassin_names.get(o.bassin, o.bassin),
                "Devenue en retard",
                "",
                "en retard",
                f"échéance {o.echeance}",
            )
        )
    for a in diff.added:
        rows.append(DiffRow(a.code, a.axe, "", "Action ajoutée", "", a.intitule))
    for a in diff.removed:
        rows.append(DiffRow(a.code, a.axe, "", "Action retirée", a.intitule, ""))
    for f in diff.fields:
        if f.field != "echeance":
            rows.append(DiffRow(f.code, f.axe, "", f.label, str(f.old or ""), str(f.new or "")))
    for sc in diff.sections:
        if sc.old is None and sc.new is None and sc.section == INDICATORS:
            # « 2 nouveaux indicateurs liés à EP-1.1 : R1 – … ; M1a – … » : une phrase, l'action d'abord
            rows.append(DiffRow("", "", "", "Indicateurs de suivi", "", "", describe(sc)))
            continue
        rows.append(
            DiffRow(
                "",
                "",
                bassin_names.get(sc.bassin or "", sc.bassin or ""),
                sc.label,
                _v(sc.key, sc.old),
                _v(sc.key, sc.new),
                sc.comment,
            )
        )
    return [replace(r, title=diff.titles.get(r.code, "")) for r in rows_with_titles]


class DiffTableModel(RowTableModel[DiffRow]):
    columns = (
        Column("Intitulé", lambda r: r.title, "Intitulé de l'action (en entier dans l'infobulle)"),
        Column("Code", lambda r: r.code),
        Column("Bassin", lambda r: r.bassin),
        Column("Nature", lambda r: r.kind),
        Column("Changement", lambda r: r.plain()),
    )

    def row_tooltip(self, row: DiffRow, column: int) -> Any:
        action = f"{row.code} — {row.title}" if row.title else row.code
        return (action, action, row.bassin, row.kind, row.plain())[column]

    def extra_data(self, row: DiffRow, column: int, role: int) -> Any:
        if role == HTML_ROLE and column == 4:
            return row.html()
        return None
