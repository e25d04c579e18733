"""Aperçu d'un import de valeurs d'indicateurs : ce qui sera créé ou corrigé (valeur avant et
après), avant d'écrire (même présentation que l'aperçu de l'import des flux)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableView, QVBoxLayout, QWidget

from roadmap_app.indicators.io import ImportResult, PreviewRow
from ui.dialogs.base import fit_to_screen
from ui.models.table_base import Column, RowTableModel


class _PreviewModel(RowTableModel[PreviewRow]):
    columns = (
        Column("Indicateur", lambda p: f"{p.label} ({p.code})"),
        Column("Bassin", lambda p: p.bassin),
        Column("Période", lambda p: p.period),
        Column("Avant", lambda p: p.before, align_right=True),
        Column("Après", lambda p: p.after, align_right=True),
        Column("Emplacement", lambda p: p.where),
    )


class IndicatorImportPreviewDialog(QDialog):
    def __init__(self, result: ImportResult, rows: list[PreviewRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Importer « {result.source} »")
        self.model = _PreviewModel(self)
        self.model.set_rows(rows)
        self.table = QTableView()
        self.table.setObjectName("indicatorImportPreview")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.resizeColumnsToContents()
        self.table.verticalHeader().hide()
        # un intitulé long est abrégé (…) ; l'emplacement prend la place qui reste
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 380))
        self.table.horizontalHeader().setStretchLastSection(True)
        fixes = (" Une correction remplace la valeur « Avant » par la valeur « Après »."
                 if result.corrections else "")  # fmt: skip
        summary = QLabel(
            f"<b>{result.summary()}</b>.{fixes} Rien n'est écrit avant de confirmer ; tout est écrit "
            "ensemble (une seule opération, annulable par Ctrl+Z)."
        )
        summary.setObjectName("indicatorImportSummary")
        summary.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Importer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        fit_to_screen(self, 1080, 560)
