"""Choisir la sauvegarde à restaurer (liste des copies, ou un autre fichier)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.backup import BackupInfo
from ui.file_dialogs import ask_open


def pick_backup_file(parent: QWidget) -> Path | None:
    return ask_open(parent, "Choisir une sauvegarde", "Base roadmap-app (*.sqlite3);;Tous (*)")


class RestoreDialog(QDialog):
    def __init__(self, backups: list[BackupInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restaurer une sauvegarde")
        self.selected: Path | None = None
        self.list = QListWidget()
        for b in backups:
            item = QListWidgetItem(b.label)
            item.setData(Qt.ItemDataRole.UserRole, str(b.path))
            item.setToolTip(str(b.path))
            self.list.addItem(item)
        if backups:
            self.list.setCurrentRow(0)
        hint = QLabel(
            "La sauvegarde choisie est vérifiée avant de remplacer la base ; la base actuelle est gardée. "
            + (
                ""
                if backups
                else "Aucune sauvegarde dans le dossier habituel : choisissez un fichier."
            )
        )
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        other = QPushButton("Autre &fichier…")
        other.clicked.connect(self._other)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Restaurer")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        buttons.addButton(other, QDialogButtonBox.ButtonRole.ActionRole)
        lay = QVBoxLayout(self)
        lay.addWidget(self.list, 1)
        lay.addWidget(hint)
        lay.addWidget(buttons)
        self.list.itemDoubleClicked.connect(lambda _i: self._accept())
        self.resize(560, 380)

    def _other(self) -> None:
        path = pick_backup_file(self)
        if path is not None:
            self.selected = path
            self.accept()

    def _accept(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.selected = Path(item.data(Qt.ItemDataRole.UserRole))
            self.accept()
