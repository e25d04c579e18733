"""Barre de filtres de la feuille de route : recherche, bassin, statut, pilote, axe, retard, échéance."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.filters import ActionFilter
from roadmap_app.plan.read import PlanView
from ui.style import status_icon
from ui.widgets.elided_combo import ElidedComboBox

ALL = "__tous__"


class FilterBar(QWidget):
    """Émet ``changed`` à chaque modification ; ``state()`` / ``restore()`` pour la persistance."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self._loading = False

        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher dans tous les textes (Ctrl+F)…")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(
            "Recherche sans tenir compte des accents ni des majuscules ; tous les mots sont requis."
        )
        self.search.setMinimumWidth(200)

        self.bassin = QComboBox()
        self.bassin.setToolTip("N'afficher que la colonne et les statuts de ce bassin")
        self.status = QComboBox()
        self.status.setToolTip("Statut de l'action dans le ou les bassins affichés")
        # pilote et axe : textes longs, abrégés (« … ») quand la place manque, entiers dans la
        # liste et l'infobulle ; bassin et statut gardent toujours leur texte entier
        self.pilote = ElidedComboBox(tip="Organisation pilote")
        self.axe = ElidedComboBox(tip="Axe de la feuille de route")
        self.overdue = QCheckBox("En &retard")
        self.overdue.setToolTip(
            "Échéance dépassée (fin de la période écrite) et action ni réalisée ni abandonnée"
        )
        self.due = QCheckBox("Échéance dans")
        self.due_days = QSpinBox()
        self.due_days.setRange(1, 3650)
        self.due_days.setValue(30)
        self.due_days.setSuffix(" jours")
        self.due_days.setEnabled(False)
        self.due.setToolTip(
            "Actions non closes dont l'échéance tombe entre aujourd'hui et la date choisie"
        )
        for combo in (self.bassin, self.status):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        for combo in (self.pilote, self.axe):
            combo.setMinimumContentsLength(10)
            combo.setMaximumWidth(260)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.reset = QPushButton("Réinitialiser")
        self.reset.setToolTip("Effacer tous les filtres")
        self.count = QLabel()
        self.count.setObjectName("resultCount")

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(8)
        top.addWidget(self.search, 2)
        top.addWidget(self._labelled("&Bassin", self.bassin))
        top.addWidget(self._labelled("&Statut", self.status))
        top.addWidget(self._labelled("&Pilote", self.pilote), 1)
        top.addWidget(self._labelled("A&xe", self.axe), 1)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.setSpacing(12)
        bottom.addWidget(self.overdue)
        bottom.addWidget(self.due)
        bottom.addWidget(self.due_days)
        bottom.addStretch(1)
        bottom.addWidget(self.count)
        bottom.addWidget(self.reset)
        self.bottom = bottom  # la page y ajoute ses boutons d'affichage (détail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(bottom)

        self.search.textChanged.connect(self._emit)
        for combo in (self.bassin, self.status, self.pilote, self.axe):
            combo.currentIndexChanged.connect(self._emit)
        self.overdue.toggled.connect(self._emit)
        self.due.toggled.connect(self.due_days.setEnabled)
        self.due.toggled.connect(self._emit)
        self.due_days.valueChanged.connect(self._emit)
        self.reset.clicked.connect(self.clear)

    @staticmethod
    def _labelled(text: str, widget: QWidget) -> QWidget:
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        label = QLabel(text)
        label.setBuddy(widget)
        lay.addWidget(label)
        lay.addWidget(widget)
        return box

    def set_plan(self, plan: PlanView) -> None:
        """Remplit les listes (bassins, pilotes, axes) en gardant les choix en cours."""
        state = self.state()
        self._loading = True
        try:
            self.bassin.clear()
            self.bassin.addItem("Tous les bassins", ALL)
            for b in plan.bassins:
                self.bassin.addItem(b.name, b.id)
            self.status.clear()
            self.status.addItem("Tous les statuts", ALL)
            for st in status_rules.ORDERED:
                self.status.addItem(status_icon(st.value), status_rules.label(st), st.value)
            self.pilote.clear()
            self.pilote.addItem("Tous les pilotes", ALL)
            used = {code for a in plan.actions() for code in a.pilotes}
            for o in plan.organisations:
                if o.code in used:
                    self.pilote.addItem(f"{o.code} – {o.name}", o.code)
            self.axe.clear()
            self.axe.addItem("Tous les axes", ALL)
            for axe in plan.axes:
                self.axe.addItem(f"{axe.code} – {axe.title}", axe.id)
        finally:
            self._loading = False
        self.restore(state)

    def clear(self) -> None:
        self.restore({})

    def _emit(self) -> None:
        if not self._loading:
            self.changed.emit()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    @staticmethod
    def _data(combo: QComboBox) -> Any:
        value = combo.currentData()
        return None if value in (None, ALL) else value

    def action_filter(self) -> ActionFilter:
        bassin = self._data(self.bassin)
        status = self._data(self.status)
        pilote = self._data(self.pilote)
        axe = self._data(self.axe)
        return ActionFilter(
            bassin_ids=None if bassin is None else frozenset({bassin}),
            statuses=None if status is None else frozenset({status}),
            pilotes=None if pilote is None else frozenset({pilote}),
            axe_ids=None if axe is None else frozenset({axe}),
            overdue_only=self.overdue.isChecked(),
            due_within_days=self.due_days.value() if self.due.isChecked() else None,
            text=self.search.text(),
        )

    def state(self) -> dict[str, Any]:
        return {
            "text": self.search.text(),
            "bassin": self._data(self.bassin),
            "status": self._data(self.status),
            "pilote": self._data(self.pilote),
            "axe": self._data(self.axe),
            "overdue": self.overdue.isChecked(),
            "due": self.due.isChecked(),
            "due_days": self.due_days.value(),
        }

    def restore(self, state: dict[str, Any]) -> None:
        self._loading = True
        try:
            self.search.setText(str(state.get("text", "")))
            for combo, key in (
                (self.bassin, "bassin"),
                (self.status, "status"),
                (self.pilote, "pilote"),
                (self.axe, "axe"),
            ):
                value = state.get(key)
                i = combo.findData(value) if value is not None else 0
                combo.setCurrentIndex(max(i, 0))
            self.overdue.setChecked(bool(state.get("overdue", False)))
            self.due_days.setValue(int(state.get("due_days", 30)))
            self.due.setChecked(bool(state.get("due", False)))
        finally:
            self._loading = False
        self.changed.emit()

    def set_count(self, shown: int, total: int) -> None:
        self.count.setText(
            f"{shown} action(s) sur {total}" if shown != total else f"{total} actions"
        )
