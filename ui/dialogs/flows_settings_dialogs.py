"""Moyens d'un bassin et cibles, à partir d'une date (les mois antérieurs gardent les anciens)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from roadmap_app.core.context import AppContext
from roadmap_app.flows.catalogue import INDICATORS
from roadmap_app.flows.series import bassins, load_portfolios
from roadmap_app.flows.service import ORGANISMES, TARGET_KINDS, add_target, set_portfolio
from ui.dialogs.base import FormDialog
from ui.style import DANGER


def _next_month(today: date) -> QDate:
    return QDate(today.year + (today.month == 12), today.month % 12 + 1, 1)


class _DatedDialog(FormDialog):
    """Formulaire à date d'effet, message d'erreur en français sous le formulaire ; ``store()``
    appelle le service (``FormDialog.service_submit``)."""

    def __init__(self, ctx: AppContext, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(title, "&Enregistrer", lambda d: self.service_submit(self.store), parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.ctx = ctx
        self.setMinimumWidth(520)
        self.form = QFormLayout()
        self.start = QDateEdit(_next_month(ctx.today()))
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("dd/MM/yyyy")
        note = QLabel(intro)
        note.setWordWrap(True)
        note.setObjectName("muted")
        self.body.addWidget(note)
        self.body.addLayout(self.form)

    def save(self) -> None:
        """Le bouton Enregistrer."""
        self.accept()

    def start_day(self) -> date:
        day = self.start.date().toPython()
        assert isinstance(day, date)
        return day

    def show_error(self, message: str) -> None:
        self.error.setStyleSheet(f"color: {DANGER}; font-weight: 600;")  # après un « À confirmer »
        super().show_error(message)

    def store(self) -> Any:  # pragma: no cover - redéfini
        raise NotImplementedError


class PortfolioDialog(_DatedDialog):
    def __init__(
        self, ctx: AppContext, bassin_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, "Moyens d'un bassin",
                         "Portefeuilles France Travail ou ETP de délégués du Département à partir d'une date : la "
                         "charge des mois précédents reste calculée avec les moyens d'alors.", parent)  # fmt: skip
        self.bassin = QComboBox()
        for b in bassins(ctx):
            self.bassin.addItem(b.name, b.id)
        if bassin_id is not None:
            self.bassin.setCurrentIndex(max(self.bassin.findData(bassin_id), 0))
        self.organisme = QComboBox()
        for code, (name, unit) in ORGANISMES.items():
            self.organisme.addItem(f"{name} ({unit})", code)
        self.number = QDoubleSpinBox()
        self.number.setRange(0, 10_000)
        self.number.setDecimals(1)
        self.number.setSingleStep(0.5)
        self.capacity = QSpinBox()
        self.capacity.setRange(1, 500)
        self.capacity.setValue(70)
        self.capacity.setSuffix(" ARSA par référent")
        self.form.addRow("&Bassin", self.bassin)
        self.form.addRow("&Organisme", self.organisme)
        self.form.addRow("&Nombre", self.number)
        self.form.addRow("&Plafond", self.capacity)
        self.form.addRow("À &partir du", self.start)

    def prefill(self, organisme: str, effective_from: date) -> None:
        """Moyens « à confirmer » (documents contradictoires) : même organisme, même date, même
        nombre ; Enregistrer les confirme, un autre nombre les corrige."""
        self.organisme.setCurrentIndex(max(self.organisme.findData(organisme), 0))
        self.start.setDate(QDate(effective_from.year, effective_from.month, effective_from.day))
        current = [p for p in load_portfolios(self.ctx) if (p.bassin_id, p.organisme, p.effective_from)
                   == (self.bassin.currentData(), organisme, effective_from)]  # fmt: skip
        if current:
            self.number.setValue(current[-1].number)
            self.capacity.setValue(current[-1].capacity)
            if current[-1].doubt:
                self.setWindowTitle("Confirmer ou corriger les moyens")
                self.error.setText(f"À confirmer : {current[-1].doubt}")
                self.error.setStyleSheet("color:#B54708;")
                self.error.setVisible(True)

    def store(self) -> Any:
        return set_portfolio(self.ctx, self.bassin.currentData(), self.organisme.currentData(), self.number.value(),
                             self.start_day(), capacity=self.capacity.value())  # fmt: skip


class TargetDialog(_DatedDialog):
    def __init__(
        self, ctx: AppContext, bassin_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, "Nouvelle cible",
                         "Une cible s'applique à partir de sa date d'effet ; les mois précédents gardent la cible "
                         "d'alors (l'historique n'est pas réécrit).", parent)  # fmt: skip
        self.indicator = QComboBox()
        for ind in INDICATORS:
            self.indicator.addItem(ind.label, ind.code)
        self.indicator.addItem(
            "Charge par référent (ARSA suivis par portefeuille ou ETP)", "charge_referent"
        )
        self.kind = QComboBox()
        for code, label in TARGET_KINDS.items():
            self.kind.addItem(label, code)
        self.value = QDoubleSpinBox()
        self.value.setRange(0, 100_000)
        self.value.setDecimals(1)
        self.bassin = QComboBox()
        self.bassin.addItem("Tous les bassins", None)
        for b in bassins(ctx):
            self.bassin.addItem(b.name, b.id)
        if bassin_id is not None:
            self.bassin.setCurrentIndex(max(self.bassin.findData(bassin_id), 0))
        self.label = QLineEdit()
        self.label.setPlaceholderText("par exemple : cible révisée au COPIL de janvier")
        self.form.addRow("&Indicateur", self.indicator)
        self.form.addRow("&Sorte", self.kind)
        self.form.addRow("&Valeur", self.value)
        self.form.addRow("&Bassin", self.bassin)
        self.form.addRow("À &partir du", self.start)
        self.form.addRow("&Libellé", self.label)

    def store(self) -> Any:
        return add_target(self.ctx, self.indicator.currentData(), self.value.value(), self.start_day(),
                          kind=self.kind.currentData(), bassin=self.bassin.currentData(),
                          label=self.label.text().strip())  # fmt: skip
