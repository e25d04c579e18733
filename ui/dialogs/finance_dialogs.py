"""Dialogues de la page Financement : ligne du plan de financement, versement de l'État.

Comme pour les dépenses, ``submit(saisie)`` appelle le service ; une erreur reste affichée
dans le dialogue ouvert, rien n'est perdu.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from roadmap_app.core.dates import format_date
from roadmap_app.core.formatting import format_euros
from roadmap_app.finance.edit import PaymentInput, PlanLineInput
from roadmap_app.finance.money import format_amount_input
from roadmap_app.finance.read import (
    PAYMENT_KINDS,
    PaymentRow,
    PaymentSummary,
    PlanLine,
    payment_kind_label,
)
from ui.dialogs.base import FormDialog


class _ServiceDialog(FormDialog):
    """Boîte du financement : un texte d'information, un formulaire ; ``submit(saisie)`` appelle
    le service (``FormDialog.service_submit``)."""

    error_mark = "✖ "

    def __init__(self, title: str, submit: Callable[[Any], Any], parent: QWidget | None) -> None:
        super().__init__(
            title, "&Enregistrer", lambda d: self.service_submit(lambda: submit(self.value())),
            parent,
        )  # fmt: skip
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # la page relit result_value
        self.setMinimumWidth(560)
        self.submit = submit
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.info = QLabel()
        self.info.setObjectName("muted")
        self.info.setWordWrap(True)
        self.body.addWidget(self.info)
        self.body.addLayout(self.form)

    def value(self) -> Any:  # pragma: no cover - abstrait
        raise NotImplementedError


class PlanLineDialog(_ServiceDialog):
    """Modification d'une ligne du plan de financement (textes tels qu'écrits et montant)."""

    def __init__(
        self, line: PlanLine, submit: Callable[[PlanLineInput], Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(
            f"Ligne du plan de financement – volet {line.volet_number}", submit, parent
        )
        self.line = line
        self.info.setText(
            f"Section : <b>{line.section}</b>. Les textes sont gardés tels qu'écrits dans la "
            "convention ; le montant delta entre dans les totaux et le suivi de consommation."
        )
        self.nature = QLineEdit(line.nature)
        self.objet = QLineEdit(line.objet)
        self.precisions = QPlainTextEdit(line.precisions)
        self.precisions.setFixedHeight(70)
        self.existant = QLineEdit(line.existant)
        self.cible = QLineEdit(line.cible)
        self.delta = QLineEdit(line.delta)
        self.montant = QLineEdit(format_amount_input(line.montant_cents))
        self.montant.setPlaceholderText("vide : non chiffré")
        self.complement = QLineEdit(line.financement_complementaire)
        self.note = QPlainTextEdit(line.note)
        self.note.setFixedHeight(56)
        for label, w in (
            ("&Nature de dépenses :", self.nature),
            ("&Objet de la dépense :", self.objet),
            ("&Précisions :", self.precisions),
            ("E&xistant :", self.existant),
            ("&Cible :", self.cible),
            ("&Delta :", self.delta),
            ("&Montant delta (€) :", self.montant),
            ("&Financement complémentaire :", self.complement),
            ("No&te :", self.note),
        ):
            self.form.addRow(label, w)

    def value(self) -> PlanLineInput:
        return PlanLineInput(
            nature=self.nature.text(),
            objet=self.objet.text(),
            precisions=self.precisions.toPlainText(),
            existant=self.existant.text(),
            cible=self.cible.text(),
            delta=self.delta.text(),
            montant=self.montant.text(),
            financement_complementaire=self.complement.text(),
            note=self.note.toPlainText(),
        )


class PaymentDialog(_ServiceDialog):
    """Versement de l'État reçu (avance, solde) ou trop-perçu remboursé."""

    def __init__(
        self,
        volet_title: str,
        summary: PaymentSummary,
        today: Any,
        submit: Callable[[PaymentInput], Any],
        payment: PaymentRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Modifier le versement" if payment else "Nouveau versement de l'État"
        super().__init__(f"{title} – {volet_title}", submit, parent)
        self.summary = summary
        self.payment = payment
        self.info.setText(
            f"Avance attendue : {format_euros(summary.advance_expected_cents)} "
            f"({summary.advance_rate_pct} % du plafond de {format_euros(summary.plafond_cents)}). "
            + (
                f"Solde à recevoir à ce jour : {format_euros(summary.balance_cents)}."
                if summary.balance_cents >= 0
                else f"Versé au-delà des dépenses retenues à ce jour : "
                f"{format_euros(-summary.balance_cents)}."
            )
        )
        self.kind = QComboBox()
        for key in PAYMENT_KINDS:
            self.kind.addItem(payment_kind_label(key, summary.advance_rate_pct), key)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("ex. 371 250,00")
        self.date = QLineEdit(format_date(today))
        self.date.setPlaceholderText("JJ/MM/AAAA")
        self.date.setToolTip("Date de réception du versement (ou du remboursement)")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("titre de recette, arrêté, mandat…")
        self.note = QLineEdit()
        for label, w in (
            ("&Nature :", self.kind),
            ("&Montant (€) :", self.amount),
            ("&Date :", self.date),
            ("&Référence :", self.reference),
            ("No&te :", self.note),
        ):
            self.form.addRow(label, w)
        self._amount_touched = False
        self.amount.textEdited.connect(self._touched)
        self.kind.currentIndexChanged.connect(self._suggest)
        if payment is not None:
            self.kind.setCurrentIndex(max(self.kind.findData(payment.kind), 0))
            self.amount.setText(format_amount_input(payment.amount_cents))
            self.date.setText(format_date(payment.date))
            self.reference.setText(payment.reference)
            self.note.setText(payment.note)
            self._amount_touched = True
        else:
            self._suggest()

    def _touched(self, _text: str) -> None:
        self._amount_touched = True

    def _suggest(self, *_args: Any) -> None:
        """Propose le montant attendu pour la nature choisie (avance restante, solde, trop-perçu)."""
        if self._amount_touched:
            return
        s = self.summary
        kind = self.kind.currentData()
        cents = {
            "avance": s.advance_pending_cents,
            "solde": max(s.balance_cents, 0),
            "remboursement": max(-s.balance_cents, 0),
        }.get(kind, 0)
        self.amount.setText(format_amount_input(cents) if cents else "")

    def value(self) -> PaymentInput:
        return PaymentInput(
            kind=str(self.kind.currentData()),
            amount=self.amount.text(),
            date=self.date.text(),
            reference=self.reference.text(),
            note=self.note.text(),
        )
