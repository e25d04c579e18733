"""Édition → Préférences… : réglages de cet utilisateur (rappel des échéances)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.settings import reminder_days, set_reminder_days, ui_settings


class PreferencesDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Préférences")
        self.settings = ui_settings()
        self.days = QSpinBox(self)
        self.days.setObjectName("reminderDays")
        self.days.setRange(1, 365)
        self.days.setSuffix(" jours")
        self.days.setValue(reminder_days(self.settings))
        self.days.setToolTip(
            "Le bandeau du tableau de bord rappelle les échéances de cette période"
        )
        form = QFormLayout()
        form.addRow("Rappeler les échéances des &prochains :", self.days)
        note = QLabel(
            "Le bandeau en haut du tableau de bord liste ces échéances et les actions passées en "
            "retard depuis votre dernière ouverture de l'application."
        )
        note.setWordWrap(True)
        note.setObjectName("muted")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)
        self.setMinimumWidth(420)

    def accept(self) -> None:
        set_reminder_days(self.settings, self.days.value())
        super().accept()
