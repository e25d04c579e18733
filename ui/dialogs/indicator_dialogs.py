"""« Lier un indicateur… » et « Saisir une valeur… » (panneau de détail d'une action)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import StoreError, UserError
from ui.dialogs.base import FormDialog


def _describe(d: Any) -> str:
    from roadmap_app.indicators.model import PROVENANCES

    where = "flux mensuel" if d.is_flow else PROVENANCES.get(d.provenance, d.provenance)
    return f"{d.code} – {d.label} ({where}, {d.unit})"


class LinkIndicatorDialog(FormDialog):
    """Choisir un indicateur (national, flux ou défini) et la colonne : TDB national ou Autres."""

    def __init__(self, ctx: AppContext, action_code: str, roadmap_id: int, linked_ids: set[int],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        from roadmap_app.indicators.model import load_definitions

        super().__init__(f"Lier un indicateur à {action_code}", "Lier", self._submit_link, parent)
        self.ctx, self.action_code, self.roadmap_id = ctx, action_code, roadmap_id
        self.defs = [d for d in load_definitions(ctx, roadmap_id) if d.id not in linked_ids]
        self.indicator = QComboBox()
        self.indicator.setAccessibleName("Indicateur")
        for d in self.defs:
            self.indicator.addItem(_describe(d), d.id)
            self.indicator.setItemData(self.indicator.count() - 1, d.definition, 3)  # infobulle
        self.kind = QComboBox()
        self.kind.setAccessibleName("Colonne de la feuille de route")
        self.kind.addItem("TDB national", "tdb")
        self.kind.addItem("Autres", "autre")
        self.indicator.currentIndexChanged.connect(self._suggest_kind)
        self.definition = QLabel()
        self.definition.setWordWrap(True)
        self.definition.setObjectName("muted")
        form = QFormLayout()
        form.addRow("&Indicateur", self.indicator)
        form.addRow("&Colonne", self.kind)
        self.body.addLayout(form)
        self.body.addWidget(self.definition)
        self._suggest_kind()
        self.resize(560, 220)

    def _suggest_kind(self) -> None:
        d = self.current()
        if d is None:
            return
        self.kind.setCurrentIndex(0 if d.provenance == "tdb" else 1)
        self.definition.setText(d.definition)

    def current(self) -> Any:
        i = self.indicator.currentIndex()
        return self.defs[i] if 0 <= i < len(self.defs) else None

    def validate(self) -> str | None:
        return None if self.current() is not None else "Tous les indicateurs sont déjà liés à cette action."

    @staticmethod
    def _submit_link(dialog: FormDialog) -> str | None:
        assert isinstance(dialog, LinkIndicatorDialog)
        from roadmap_app.indicators.service import link

        try:
            link(dialog.ctx, dialog.action_code, dialog.current().id, kind=str(dialog.kind.currentData()),
                 roadmap=dialog.roadmap_id)  # fmt: skip
        except (UserError, StoreError) as err:
            return str(err)
        return None


class IndicatorValueDialog(FormDialog):
    """Une valeur mesurée : indicateur lié, bassin, date, valeur (corriger : valeur déjà saisie)."""

    def __init__(self, ctx: AppContext, linked: list[Any], bassins: list[Any], parent: QWidget | None = None) -> None:
        super().__init__("Saisir une valeur", "Enregistrer", self._submit_value, parent)
        self.ctx, self.linked, self.bassins = ctx, linked, bassins
        self.indicator = QComboBox()
        self.indicator.setAccessibleName("Indicateur")
        for one in linked:
            self.indicator.addItem(_describe(one.indicator), one.indicator.id)
        self.bassin = QComboBox()
        self.bassin.setAccessibleName("Bassin")
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        today = ctx.today()
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.value = QLineEdit()
        self.value.setAccessibleName("Valeur")
        self.value.setPlaceholderText("par exemple 52 ou 12,5")
        self.replace = QCheckBox("Corriger la valeur déjà saisie pour cette date")
        self.hint = QLabel()
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Indicateur", self.indicator)
        form.addRow("&Bassin", self.bassin)
        form.addRow("&Date", self.day)
        form.addRow("&Valeur", self.value)
        self.body.addLayout(form)
        self.body.addWidget(self.replace)
        self.body.addWidget(self.hint)
        self.indicator.currentIndexChanged.connect(self._indicator_changed)
        self._indicator_changed()
        self.resize(560, 260)

    def current(self) -> Any:
        i = self.indicator.currentIndex()
        return self.linked[i].indicator if 0 <= i < len(self.linked) else None

    def _indicator_changed(self) -> None:
        from roadmap_app.indicators.model import FREQUENCIES

        d = self.current()
        self.bassin.clear()
        if d is None:
            return
        if d.per_bassin:
            for b in self.bassins:
                self.bassin.addItem(b.name, b.id)
        else:
            self.bassin.addItem("Tout le plan", None)
        self.bassin.setEnabled(d.per_bassin)
        period = "mois" if d.is_flow else FREQUENCIES.get(d.frequency, "")
        self.hint.setText(f"Unité : {d.unit} ; valeur {period} (datée du début de la période)."
                          if d.frequency != "free" or d.is_flow else f"Unité : {d.unit}.")  # fmt: skip

    def validate(self) -> str | None:
        from roadmap_app.flows.io import parse_number

        try:
            v = parse_number(self.value.text())
        except ValueError:
            v = None
        if v is None:
            return f"Valeur « {self.value.text()} » : saisissez un nombre."
        return None

    def entered(self) -> tuple[Any, int | None, date, float]:
        from roadmap_app.flows.io import parse_number

        q = self.day.date()
        value = parse_number(self.value.text())
        assert value is not None
        return self.current(), self.bassin.currentData(), date(q.year(), q.month(), q.day()), value

    @staticmethod
    def _submit_value(dialog: FormDialog) -> str | None:
        assert isinstance(dialog, IndicatorValueDialog)
        from roadmap_app.indicators.service import set_value

        d, bassin_id, day, value = dialog.entered()
        try:
            set_value(dialog.ctx, d.id, value, day, bassin=bassin_id, replace=dialog.replace.isChecked())
        except (UserError, StoreError) as err:
            return str(err)
        return None
