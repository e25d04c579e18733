"""Saisie d'une dépense sur le modèle de l'annexe 3 (ajout ou modification).

Le dialogue ne fait qu'assembler la saisie ; ``submit(ExpenseInput)`` (fourni par la page)
appelle le service, dont les erreurs s'affichent dans le dialogue, qui reste ouvert.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from roadmap_app.core.errors import UserError
from roadmap_app.core.formatting import format_euros
from roadmap_app.finance import annexe3
from roadmap_app.finance.edit import ExpenseInput
from roadmap_app.finance.money import (
    format_amount_input,
    format_quantity,
    parse_cents,
    parse_quantity_milli,
    units_times_cost,
)
from roadmap_app.finance.period import EXAMPLES as PERIOD_EXAMPLES
from roadmap_app.finance.read import ExpenseRow, VoletFinance
from ui.dialogs.base import FormDialog
from ui.widgets.elided_combo import ElidedComboBox

UNITS = ("ETP", "mois", "place", "poste", "heure", "jour", "forfait", "atelier", "module")


class ExpenseDialog(FormDialog):
    error_mark = "✖ "

    def __init__(
        self,
        vf: VoletFinance,
        submit: Callable[[ExpenseInput], Any],
        expense: ExpenseRow | None = None,
        line_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Modifier la dépense" if expense else "Nouvelle dépense"
        super().__init__(
            f"{title} – {vf.volet.title}", "&Enregistrer",
            lambda d: self.service_submit(lambda: submit(self.data())), parent,
        )  # fmt: skip
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # la page relit result_value
        self.vf = vf
        self.submit = submit
        self.expense = expense
        self.setMinimumWidth(640)
        self._rubrique_touched = False

        self.line = ElidedComboBox(tip="Ligne du plan de financement")
        self.line.setAccessibleName("Ligne du plan de financement")
        for ln in vf.plan_lines:
            amount = "non chiffrée" if ln.montant_cents is None else format_euros(ln.montant_cents)
            self.line.addItem(f"{ln.section} › {ln.label} ({amount})", ln.id)
            self.line.setItemData(
                self.line.count() - 1, f"{ln.nature} — {ln.objet}", Qt.ItemDataRole.ToolTipRole
            )
        self.rubrique = QComboBox()
        self.rubrique.setAccessibleName("Rubrique de l'annexe 3")
        self.rubrique.setToolTip("Groupe et rubrique du tableau de bilan financier (annexe 3)")
        for g, sg, label in annexe3.template(vf.volet.number).choices():
            self.rubrique.addItem(label, (g, sg))
        self.nature = QLineEdit()
        self.nature.setPlaceholderText("par exemple « Rémunération chef de projet »")
        self.unite = QComboBox()
        self.unite.setEditable(True)
        self.unite.addItems(["", *UNITS])
        self.unite.setToolTip("Unité (si pertinent) : ETP, mois, place…")
        self.units = QLineEdit()
        self.units.setPlaceholderText("ex. 2,5")
        self.unit_cost = QLineEdit()
        self.unit_cost.setPlaceholderText("ex. 4 500,00")
        self.period = QLineEdit()
        self.period.setPlaceholderText("15/05/2024, 01/07/2024 – 31/12/2024, 2nd semestre 2024…")
        self.period.setToolTip(f"Une date ou une période. Exemples : {PERIOD_EXAMPLES}.")
        self.objet = QLineEdit()
        self.objet.setPlaceholderText("structure, marché, convention…")
        self.montant = QLineEdit()
        self.montant.setPlaceholderText("vide : nombre × coût unitaire")
        self.compute = QPushButton("= nombre × &coût")
        self.compute.setToolTip("Remplir le montant avec nombre d'unités × coût unitaire")
        self.note = QLineEdit()
        self.hint = QLabel()
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Ligne du plan :", self.line)
        form.addRow("R&ubrique (annexe 3) :", self.rubrique)
        form.addRow("&Nature de la dépense :", self.nature)
        form.addRow("U&nité :", self.unite)
        form.addRow("Nom&bre d'unités :", self.units)
        form.addRow("Coû&t unitaire (€) :", self.unit_cost)
        form.addRow("&Date ou période :", self.period)
        form.addRow("&Objet de la dépense :", self.objet)
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.montant, 1)
        amount_row.addWidget(self.compute)
        amount_label = QLabel("&Montant (€) :")
        amount_label.setBuddy(self.montant)
        form.addRow(amount_label, amount_row)
        form.addRow("No&te :", self.note)
        self.body.addLayout(form)
        self.body.addWidget(self.hint)

        self.compute.clicked.connect(self.fill_computed)
        self.line.currentIndexChanged.connect(self._line_changed)
        self.rubrique.activated.connect(self._rubrique_chosen)
        for w in (self.units, self.unit_cost, self.montant):
            w.textChanged.connect(self.update_hint)
        self._load(line_id)

    # -- état initial ----------------------------------------------------------------------
    def _load(self, line_id: int | None) -> None:
        e = self.expense
        target = e.line_id if e else line_id
        if target is None:  # par défaut : la première ligne chiffrée du plan
            target = next((ln.id for ln in self.vf.plan_lines if ln.montant_cents), None)
        if target is not None:
            self.line.setCurrentIndex(max(self.line.findData(target), 0))
        self._line_changed()
        if e is None:
            self.update_hint()
            return
        self._select_rubrique(e.group_key, e.subgroup_key)
        self._rubrique_touched = True
        self.nature.setText(e.nature)
        self.unite.setCurrentText(e.unite)
        self.units.setText(format_quantity(e.units_milli).replace("\u202f", " "))
        self.unit_cost.setText(format_amount_input(e.unit_cost_cents))
        self.period.setText(e.period.label or e.period.display())
        self.objet.setText(e.objet)
        self.montant.setText(format_amount_input(e.montant_cents))
        self.note.setText(e.note)
        self.update_hint()

    def _select_rubrique(self, group: str, subgroup: str) -> None:
        for i in range(self.rubrique.count()):
            if self.rubrique.itemData(i) == (group, subgroup):
                self.rubrique.setCurrentIndex(i)
                return

    def _rubrique_chosen(self, _index: int) -> None:
        self._rubrique_touched = True
        self._update_completer()

    def _line_changed(self, *_args: Any) -> None:
        line_id = self.line.currentData()
        line = next((ln for ln in self.vf.plan_lines if ln.id == line_id), None)
        if line is not None and not self._rubrique_touched:
            self._select_rubrique(*line.rubrique())
        self._update_completer()

    def _update_completer(self) -> None:
        data = self.rubrique.currentData()
        if not data:
            return
        group = annexe3.template(self.vf.volet.number).group(data[0])
        examples = list(group.subgroup(data[1]).examples)
        completer = QCompleter(examples, self.nature)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.nature.setCompleter(completer)

    # -- calcul en direct ----------------------------------------------------------------------
    def _computed(self) -> int | None:
        try:
            units = parse_quantity_milli(self.units.text())
            cost = parse_cents(self.unit_cost.text(), allow_empty=True)
        except UserError:
            return None
        if units is None or cost is None:
            return None
        return units_times_cost(units, cost)

    def fill_computed(self) -> None:
        computed = self._computed()
        if computed is not None:
            self.montant.setText(format_amount_input(computed))

    def update_hint(self) -> None:
        computed = self._computed()
        self.compute.setEnabled(computed is not None)
        if computed is None:
            self.hint.setText(
                "Indiquez le montant, ou le nombre d'unités et le coût unitaire pour le calculer."
            )
            return
        text = f"Nombre d'unités × coût unitaire = {format_euros(computed)}."
        try:
            typed = parse_cents(self.montant.text(), allow_empty=True)
        except UserError:
            typed = None
        if not self.montant.text().strip():
            text += " Montant vide : ce calcul sera retenu."
        elif typed is not None and typed != computed:
            text += (
                f" ⚠ Le montant saisi diffère de {format_euros(typed - computed)} : il sera "
                "enregistré tel quel et l'écart signalé."
            )
        self.hint.setText(text)

    # -- enregistrement ----------------------------------------------------------------------
    def data(self) -> ExpenseInput:
        group, subgroup = self.rubrique.currentData() or (None, None)
        return ExpenseInput(
            line_id=int(self.line.currentData()),
            nature=self.nature.text(),
            montant=self.montant.text(),
            unite=self.unite.currentText(),
            units=self.units.text(),
            unit_cost=self.unit_cost.text(),
            period=self.period.text(),
            objet=self.objet.text(),
            note=self.note.text(),
            group_key=group,
            subgroup_key=subgroup,
        )
