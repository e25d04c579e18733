"""Aperçu d'un import du plan : actions ajoutées, modifiées (champ : avant → après), absentes.

La feuille de route visée se choisit en haut (la courante, ou une nouvelle à créer) ; l'aperçu
est relu à chaque changement. Rien n'est écrit avant « Confirmer » ; une erreur (fichier
refusé) s'affiche dans la boîte et « Confirmer » reste grisé.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.core.errors import UserError
from roadmap_app.plan.plan_io import PlanImport
from ui.dialogs.base import fit_to_screen
from ui.models.table_base import Column, RowTableModel
from ui.style import DANGER


@dataclass(frozen=True)
class PreviewRow:
    code: str
    title: str
    kind: str
    field: str
    old: str
    new: str


def preview_rows(plan: PlanImport) -> list[PreviewRow]:
    rows = [PreviewRow("", line, "structure", "", "", "") for line in plan.structure]
    for c in plan.changes:
        if not c.fields:
            rows.append(PreviewRow(c.code, c.title, c.kind, "", "", ""))
        for i, (name, old, new) in enumerate(c.fields):
            rows.append(PreviewRow(c.code if i == 0 else "", c.title if i == 0 else "", c.kind if i == 0 else "", name, old, new))  # fmt: skip
    return rows


class _Model(RowTableModel[PreviewRow]):
    columns = (
        Column("Action", lambda r: r.code),
        Column("Intitulé", lambda r: r.title),
        Column("Changement", lambda r: r.kind),
        Column("Champ", lambda r: r.field),
        Column("Avant", lambda r: r.old),
        Column("Après", lambda r: r.new),
    )

    def row_tooltip(self, row: PreviewRow, column: int) -> str | None:
        """Le texte entier (la cellule l'élide) : intitulé, valeur avant, valeur après."""
        text = {1: row.title, 4: row.old, 5: row.new}.get(column, "")
        return text.replace(" ⏎ ", "\n") if len(text) > 40 else None


class PlanImportDialog(QDialog):
    """``prepare(roadmap_name | None, archive_missing)`` relit le fichier pour la feuille de route
    visée (``None`` : la courante) ; lève ``UserError`` si le fichier est refusé."""

    def __init__(
        self,
        source: str,
        current: str,
        prepare: Callable[[str | None, bool], PlanImport],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Importer le plan « {source} »")
        self.prepare = prepare
        self.plan: PlanImport | None = None
        self.into_current = QRadioButton(f"Mettre à jour « {current} »")
        self.into_new = QRadioButton("Créer une feuille de route :")
        self.into_current.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.into_current)
        group.addButton(self.into_new)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("nom, par exemple « Avenant 2025 »")
        self.new_name.setEnabled(False)
        self.into_current.toggled.connect(self._target_changed)
        self.new_name.editingFinished.connect(self.refresh)
        target = QHBoxLayout()
        target.addWidget(self.into_current)
        target.addSpacing(16)
        target.addWidget(self.into_new)
        target.addWidget(self.new_name, 1)
        self.archive_missing = QCheckBox("Archiver les actions absentes du fichier")
        self.archive_missing.setToolTip(
            "Un avenant qui retire des actions : elles sont archivées (rien n'est effacé, Ctrl+Z "
            "les restaure). Sinon elles sont laissées telles quelles."
        )
        self.archive_missing.toggled.connect(self.refresh)
        self.summary = QLabel()
        self.summary.setObjectName("planImportSummary")
        self.summary.setWordWrap(True)
        self.ignored = QLabel()
        self.ignored.setObjectName("planImportIgnored")
        self.ignored.setTextFormat(Qt.TextFormat.PlainText)
        self.ignored.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("planImportError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {DANGER};")
        self.model = _Model(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((70, 250, 110, 150, 220)):
            self.table.setColumnWidth(col, width)
        self.buttons = QDialogButtonBox()
        self.confirm = self.buttons.addButton("Confirmer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(target)
        lay.addWidget(self.archive_missing)
        lay.addWidget(self.summary)
        lay.addWidget(self.ignored)
        lay.addWidget(self.error)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.buttons)
        fit_to_screen(self, 1100, 620)
        self.refresh()

    def _target_changed(self) -> None:
        self.new_name.setEnabled(self.into_new.isChecked())
        if self.into_new.isChecked():
            self.new_name.setFocus()
        self.refresh()

    def target(self) -> str | None:
        if self.into_new.isChecked():
            return self.new_name.text().strip() or None
        return None

    def refresh(self) -> None:
        self.plan = None
        self.model.set_rows([])
        self.ignored.setVisible(False)
        if self.into_new.isChecked() and not self.new_name.text().strip():
            self._show_error("Donnez un nom à la nouvelle feuille de route.")
            return
        try:
            plan = self.prepare(self.target(), self.archive_missing.isChecked())
        except UserError as err:
            self._show_error(str(err))
            return
        if self.into_new.isChecked() and plan.roadmap_id is not None:
            self._show_error(
                f"La feuille de route « {plan.roadmap_name} » existe déjà : choisissez un autre nom."
            )
            return
        self.plan = plan
        self.error.setVisible(False)
        self.summary.setText(
            f"<b>{html.escape(plan.summary(), quote=False)}</b>. Rien n'est écrit avant de confirmer ; tout est "
            "écrit ensemble (une seule opération, annulable par Ctrl+Z)."
        )
        if plan.ignored:
            self.ignored.setText("Ignoré : " + " ; ".join(plan.ignored))
            self.ignored.setVisible(True)
        self.model.set_rows(preview_rows(plan))
        self.confirm.setEnabled(not plan.is_noop)
        if plan.is_noop:
            self.summary.setText(self.summary.text() + "<br>Aucun changement à écrire.")

    def _show_error(self, text: str) -> None:
        self.summary.setText("")
        self.error.setText(text)
        self.error.setVisible(True)
        self.confirm.setEnabled(False)
