"""Fusion d'un paquet ou d'un classeur : ce qui sera appliqué, et les conflits à trancher."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.core.errors import UserError
from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.status import validate_progress
from roadmap_app.workshops.labels import Titles, display_label
from roadmap_app.workshops.merge import (
    EDIT,
    MINE,
    THEIRS,
    FieldChange3,
    MergePlan,
    Resolution,
    definitions_summary,
    flow_parts,
    flow_summary,
    parse_edit,
)
from ui.dialogs.base import fit_to_screen

CHOICES = (
    (MINE, "Garder la valeur d'ici"),
    (THEIRS, "Prendre la valeur de l'atelier"),
    (EDIT, "Saisir une autre valeur"),
)


def _hint(change: FieldChange3) -> str:
    """Ce qu'on attend dans « Valeur saisie » pour ce champ."""
    if change.key.startswith(("flux|", "ind|")):
        return "nombre, ex. 12"
    if change.key.startswith("lien|"):
        return "TDB national ou Autres" if change.field == "kind" else "lié ou non lié"
    return {"status": "ex. En cours", "progress": "0 à 100"}.get(change.field, "texte")


def _when(ts: Any) -> str:
    return "" if ts is None else f"{ts.astimezone():%d/%m/%Y %H:%M}"


class MergeDialog(QDialog):
    """Les petits tableaux d'une fusion (quelques dizaines de lignes) : QTableWidget suffit ici."""

    def __init__(self, plan: MergePlan, parent: QWidget | None = None, titles: Titles | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        # intitulés des actions et indicateurs avant leurs codes (le libellé court reste au journal)
        titles = titles or Titles()
        self.titles = titles
        self.setWindowTitle(f"Fusionner « {plan.source_name} »")
        pending = plan.pending_conflicts
        summary = QLabel(
            f"<b>{len(plan.to_apply)}</b> changement(s) fait(s) seulement dans l'atelier seront appliqués. "
            f"<b>{len(pending)}</b> conflit(s) : le même champ a été modifié ici et dans l'atelier — choisissez pour chacun."
            + (
                f" ({len(plan.already_decided)} déjà tranché(s) lors d'une fusion précédente.)"
                if plan.already_decided
                else ""
            )
        )
        flows = flow_summary(plan.to_apply)
        if flows:
            summary.setText(summary.text() + f"<br>Dont {html.escape(flows, quote=False)}.")
        if defined := definitions_summary(plan):
            summary.setText(summary.text() + f"<br>{html.escape(defined, quote=False)}.")
        summary.setWordWrap(True)
        self.summary = summary
        if plan.ignored:
            summary.setText(
                summary.text()
                + "<br>Ignoré (colonnes ajoutées au classeur) : "
                + " ; ".join(html.escape(i, quote=False) for i in plan.ignored)
            )
        # les valeurs de flux, triées par bassin et mois, sous une ligne de titre par bassin et mois
        self.change_rows: list[FieldChange3 | str] = []
        for c in plan.to_apply:
            parts = flow_parts(c)
            if parts is not None and parts[0] not in self.change_rows:
                self.change_rows.append(parts[0])
            self.change_rows.append(c)
        self.changes = QTableWidget(len(self.change_rows), 5)
        self.changes.setObjectName("mergeChanges")
        self.changes.setHorizontalHeaderLabels(["Champ", "Ici", "Atelier", "Par", "Le"])
        bold = self.font()
        bold.setBold(True)
        for r, row in enumerate(self.change_rows):
            if isinstance(row, str):
                head = QTableWidgetItem(f"Flux mensuels – {row}")
                head.setFont(bold)
                self.changes.setItem(r, 0, head)
                self.changes.setSpan(r, 0, 1, 5)
                continue
            parts = flow_parts(row)
            for col, text in enumerate(
                (
                    display_label(row, titles) if parts is None else f"    {parts[1]}",
                    row.show(row.mine),
                    row.show(row.theirs),
                    row.theirs_by.author,
                    _when(row.theirs_by.ts),
                )
            ):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setToolTip(display_label(row, titles, width=300))
                self.changes.setItem(r, col, item)
        self.conflicts = QTableWidget(len(pending), 5)
        self.conflicts.setObjectName("mergeConflicts")
        self.conflicts.setHorizontalHeaderLabels(
            ["Champ", "Ici (par, le)", "Atelier (par, le)", "Décision", "Valeur saisie"]
        )
        self.decisions: list[tuple[FieldChange3, QComboBox, QLineEdit]] = []
        for r, c in enumerate(pending):
            mine_by = f"{c.mine_by.author}, {_when(c.mine_by.ts)}" if c.mine_by else "base"
            texts = (display_label(c, titles, width=28), f"{c.show(c.mine)} ({mine_by})",
                     f"{c.show(c.theirs)} ({c.theirs_by.author}, {_when(c.theirs_by.ts)})")  # fmt: skip
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                # la colonne peut le couper : l'info-bulle le donne en entier
                item.setToolTip(display_label(c, titles, width=300) if col == 0 else text)
                self.conflicts.setItem(r, col, item)
            combo = QComboBox()
            combo.addItem("— à choisir —", None)
            for key, label in CHOICES:
                combo.addItem(label, key)
            edit = QLineEdit()
            edit.setEnabled(False)
            edit.setPlaceholderText(_hint(c))
            def chosen(_i: int, cb: QComboBox = combo, e: QLineEdit = edit) -> None:
                e.setEnabled(cb.currentData() == EDIT)
                self._update()

            combo.currentIndexChanged.connect(chosen)
            edit.textChanged.connect(self._update)
            self.conflicts.setCellWidget(r, 3, combo)
            self.conflicts.setCellWidget(r, 4, edit)
            self.decisions.append((c, combo, edit))
        for table in (self.changes, self.conflicts):
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.verticalHeader().hide()
            table.setWordWrap(False)
            table.horizontalHeader().setStretchLastSection(True)
        # le libellé d'un flux est long (« dont délégués du Département – … [code] ») : colonnes à
        # leur contenu, le champ plafonné (libellé complet en info-bulle), les autres lisibles
        self.changes.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # le code, en fin de libellé, reste lu
        self.changes.resizeColumnsToContents()
        self.changes.setColumnWidth(0, min(self.changes.columnWidth(0), 600))
        # conflits : le champ à son contenu (intitulés courts, plafonné), ici et atelier (valeur,
        # auteur puis date, coupés à droite) se partagent le reste, la saisie lisible
        self.conflicts.resizeColumnsToContents()
        header = self.conflicts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.conflicts.setColumnWidth(0, min(self.conflicts.columnWidth(0), 440))
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        self.conflicts.setColumnWidth(4, max(self.conflicts.columnWidth(4), 150))
        header.setStretchLastSection(False)
        self.error = QLabel()
        self.error.setStyleSheet("color:#B42318")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Fusionner")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(summary)
        lay.addWidget(QLabel("<b>Changements à appliquer</b>"))
        # la place va aux conflits s'ils sont nombreux, sinon aux changements
        lay.addWidget(self.changes, 3)
        if pending:
            lay.addWidget(QLabel("<b>Conflits</b>"))
            lay.addWidget(self.conflicts, 1 if len(pending) <= 5 else 3)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        fit_to_screen(self, 1100, 620)
        self._update()

    def choose(self, row: int, decision: str, value: str = "") -> None:
        """Choix d'une décision (aussi utilisé par les tests, comme un utilisateur)."""
        _c, combo, edit = self.decisions[row]
        combo.setCurrentIndex(combo.findData(decision))
        edit.setText(value)

    def _parse(self, change: FieldChange3, text: str) -> Any:
        if change.key.split("|")[0] in ("flux", "ind", "lien"):
            return parse_edit(change, text, self.titles.units, display_label(change, self.titles, width=28))
        if change.field == "status":
            return status_rules.parse_status(text).value
        if change.field == "progress":
            return validate_progress(text)
        return text.strip()

    def resolutions(self) -> dict[str, Resolution]:
        found: dict[str, Resolution] = {}
        for c, combo, edit in self.decisions:
            decision = combo.currentData()
            if decision is None:
                continue
            value = self._parse(c, edit.text()) if decision == EDIT else None
            found[c.key] = Resolution(decision, value)
        return found

    def _update(self) -> None:
        missing = sum(1 for _c, combo, _e in self.decisions if combo.currentData() is None)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(missing == 0)
        self.error.setText(f"{missing} conflit(s) sans décision." if missing else "")

    def _accept(self) -> None:
        try:
            self.resolutions()
        except (ValueError, UserError) as err:
            self.error.setText(str(err))
            return
        self.accept()
