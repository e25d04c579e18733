"""Aperçu d'un import de flux : ce qui sera créé ou modifié, avant d'écrire."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableView, QVBoxLayout, QWidget

from roadmap_app.core.dates import format_month
from roadmap_app.flows.catalogue import BY_CODE
from roadmap_app.flows.io import ImportPlan, Planned
from ui.dialogs.base import fit_to_screen
from ui.models.table_base import Column, RowTableModel


def _v(value: float | None) -> str:
    return "" if value is None else f"{value:g}".replace(".", ",")


class _PreviewModel(RowTableModel[Planned]):
    columns = (
        Column("Bassin", lambda p: p.bassin.name),
        Column("Mois", lambda p: format_month(p.month)),
        Column("Indicateur", lambda p: BY_CODE[p.indicator].label),
        Column("Avant", lambda p: _v(p.old), align_right=True),
        Column("Après", lambda p: _v(p.new), align_right=True),
        Column("Changement", lambda p: p.kind),
        Column("Emplacement", lambda p: str(p.where)),
    )


class ImportPreviewDialog(QDialog):
    def __init__(self, plan: ImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Importer « {plan.source} »")
        self.model = _PreviewModel(self)
        self.model.set_rows(plan.changes)
        table = QTableView()
        table.setModel(self.model)
        table.resizeColumnsToContents()
        table.verticalHeader().hide()
        summary = QLabel(
            f"<b>{plan.summary()}</b>. Rien n'est écrit avant de confirmer ; tout est écrit ensemble."
        )
        summary.setWordWrap(True)
        self.ignored = QLabel("Ignoré : " + " ; ".join(plan.ignored) if plan.ignored else "")
        self.ignored.setObjectName("importIgnored")
        self.ignored.setTextFormat(Qt.TextFormat.PlainText)
        self.ignored.setWordWrap(True)
        self.ignored.setVisible(bool(plan.ignored))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Importer")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(summary)
        lay.addWidget(self.ignored)
        lay.addWidget(table, 1)
        lay.addWidget(buttons)
        fit_to_screen(self, 900, 520)
