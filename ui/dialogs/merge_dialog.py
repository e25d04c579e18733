"""Fusion d'un paquet ou d'un classeur : ce qui sera appliqué, et les conflits à trancher."""

from __future__ import annotations

import html
from typing import Any

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
from roadmap_app.workshops.merge import (
    EDIT,
    MINE,
    THEIRS,
    FieldChange3,
    MergePlan,
    Resolution,
)
from ui.dialogs.base import fit_to_screen

CHOICES = (
    (MINE, "Garder la valeur d'ici"),
    (THEIRS, "Prendre la valeur de l'atelier"),
    (EDIT, "Saisir une autre valeur"),
)


def _when(ts: Any) -> str:
    return "" if ts is None else f"{ts.astimezone():%d/%m/%Y %H:%M}"


class MergeDialog(QDialog):
    """Les petits tableaux d'une fusion (quelques dizaines de lignes) : QTableWidget suffit ici."""

    def __init__(self, plan: MergePlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
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
        summary.setWordWrap(True)
        if plan.ignored:
            summary.setText(
                summary.text()
                + "<br>Ignoré (colonnes ajoutées au classeur) : "
                + " ; ".join(html.escape(i, quote=False) for i in plan.ignored)
            )
        self.changes = QTableWidget(len(plan.to_apply), 5)
        self.changes.setObjectName("mergeChanges")
        self.changes.setHorizontalHeaderLabels(["Champ", "Ici", "Atelier", "Par", "Le"])
        for r, c in enumerate(plan.to_apply):
            for col, text in enumerate(
                (
                    c.label,
                    c.show(c.mine),
                    c.show(c.theirs),
                    c.theirs_by.author,
                    _when(c.theirs_by.ts),
                )
            ):
                self.changes.setItem(r, col, QTableWidgetItem(text))
        self.conflicts = QTableWidget(len(pending), 6)
        self.conflicts.setObjectName("mergeConflicts")
        self.conflicts.setHorizontalHeaderLabels(
            ["Champ", "Ici (par, le)", "Atelier (par, le)", "Décision", "Valeur saisie", ""]
        )
        self.decisions: list[tuple[FieldChange3, QComboBox, QLineEdit]] = []
        for r, c in enumerate(pending):
            mine_by = f"{c.mine_by.author}, {_when(c.mine_by.ts)}" if c.mine_by else "base"
            self.conflicts.setItem(r, 0, QTableWidgetItem(c.label))
            self.conflicts.setItem(r, 1, QTableWidgetItem(f"{c.show(c.mine)} ({mine_by})"))
            self.conflicts.setItem(
                r,
                2,
                QTableWidgetItem(
                    f"{c.show(c.theirs)} ({c.theirs_by.author}, {_when(c.theirs_by.ts)})"
                ),
            )
            combo = QComboBox()
            combo.addItem("— à choisir —", None)
            for key, label in CHOICES:
                combo.addItem(label, key)
            edit = QLineEdit()
            edit.setEnabled(False)
            edit.setPlaceholderText(
                {"status": "ex. En cours", "progress": "0 à 100"}.get(c.field, "texte")
            )
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
            table.horizontalHeader().setSectionResizeMode(
                0, QHeaderView.ResizeMode.ResizeToContents
            )
            table.horizontalHeader().setStretchLastSection(True)
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
        lay.addWidget(self.changes, 2)
        if pending:
            lay.addWidget(QLabel("<b>Conflits</b>"))
            lay.addWidget(self.conflicts, 2)
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
