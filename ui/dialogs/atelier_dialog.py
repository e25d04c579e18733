"""Créer ou modifier un atelier (bassin, date, lieu, participants, notes)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.plan.read import BassinRef
from roadmap_app.workshops.ateliers import AtelierInfo


class AtelierDialog(QDialog):
    def __init__(
        self,
        bassins: list[BassinRef],
        today: date,
        atelier: AtelierInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Modifier l'atelier" if atelier else "Nouvel atelier")
        self.bassin = QComboBox()
        for b in bassins:
            self.bassin.addItem(b.name, b.id)
        self.title = QLineEdit(atelier.title if atelier else "Revue de la feuille de route")
        d = atelier.date if atelier else today
        self.date = QDateEdit(QDate(d.year, d.month, d.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.moment = QLineEdit(atelier.moment if atelier else "")
        self.moment.setPlaceholderText("matin, après-midi…")
        self.place = QLineEdit(atelier.place if atelier else "")
        self.participants = QPlainTextEdit(atelier.participants if atelier else "")
        self.participants.setPlaceholderText("Une personne ou une structure par ligne")
        self.notes = QPlainTextEdit(atelier.notes if atelier else "")
        if atelier is not None:
            i = self.bassin.findData(atelier.bassin_id)
            self.bassin.setCurrentIndex(max(i, 0))
            self.bassin.setEnabled(False)
        form = QFormLayout()
        form.addRow("&Bassin :", self.bassin)
        form.addRow("&Titre :", self.title)
        form.addRow("&Date :", self.date)
        form.addRow("&Moment :", self.moment)
        form.addRow("&Lieu :", self.place)
        form.addRow("&Participants :", self.participants)
        form.addRow("N&otes :", self.notes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.resize(560, 480)

    def values(self) -> dict[str, object]:
        d = self.date.date()
        return {
            "bassin": self.bassin.currentData(),
            "title": self.title.text(),
            "date": date(d.year(), d.month(), d.day()),
            "moment": self.moment.text(),
            "place": self.place.text(),
            "participants": self.participants.toPlainText(),
            "notes": self.notes.toPlainText(),
        }
