"""En-tête de la page Financement : échéances des bilans, chiffres clés du volet, alertes."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from roadmap_app.core.deadlines import Deadline
from roadmap_app.core.formatting import format_euros
from roadmap_app.finance.read import VoletFinance
from ui.models.finance_tables import pct_text
from ui.style import DANGER

SEVERITY_COLORS = {"erreur": DANGER, "alerte": "#B54708", "info": "#475467"}


class FinanceHeader(QWidget):
    """Les cartes (plafond, plan, dépenses, versements, solde) ont chacune une bulle d'aide."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deadline_label = QLabel()
        self.deadline_label.setTextFormat(Qt.TextFormat.RichText)
        self.deadline_label.setWordWrap(True)  # trois échéances : sur deux lignes s'il le faut
        self.deadline_label.setToolTip(
            "Remises des bilans prévues par la convention (article 3.2 « Rendu compte et suivi du projet »)"
        )
        self.volet_label = QLabel()
        self.volet_label.setObjectName("muted")
        self.volet_label.setWordWrap(True)

        cards = QHBoxLayout()
        self.cards: dict[str, tuple[QLabel, QLabel]] = {}
        for key, name, tip in (
            ("plafond", "Plafond", "Montant maximal de la participation de l'État pour ce volet"),
            ("plan", "Plan de financement", "Total des montants delta du plan (hors lignes « Pour info »)"),
            ("spent", "Dépenses retenues", "Dépenses du volet sur ses propres lignes, hors « Pour info » ; taux rapporté au plafond"),
            ("received", "Versements reçus", "Avance et solde reçus de l'État, moins les trop-perçus remboursés"),
            ("balance", "Solde au bilan", "Article 6 de la convention : min(dépenses retenues, plafond) − versements nets reçus ; négatif : trop-perçu à rembourser au bilan final"),
        ):  # fmt: skip
            card = QFrame()
            card.setObjectName("card")
            card.setToolTip(tip)
            lay = QVBoxLayout(card)
            lay.setContentsMargins(12, 8, 12, 8)
            lay.setSpacing(2)
            caption = QLabel(name)
            caption.setObjectName("muted")
            value = QLabel()
            value.setObjectName("cardValue")
            value.setStyleSheet("font-size: 15pt; font-weight: 600; color: #14325C;")
            detail = QLabel()
            detail.setObjectName("muted")
            detail.setWordWrap(True)  # cinq cartes côte à côte tiennent dans 1 280 px
            lay.addWidget(caption)
            lay.addWidget(value)
            lay.addWidget(detail)
            cards.addWidget(card, 1)
            self.cards[key] = (value, detail)

        self.flags_label = QLabel()
        self.flags_label.setObjectName("flags")
        self.flags_label.setTextFormat(Qt.TextFormat.RichText)
        self.flags_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.deadline_label)
        # l'intitulé long du volet est en infobulle (et la période dans la carte du plan) : une
        # ligne de plus pour le tableau et le graphique sur un écran de 720 px de haut
        self.volet_label.hide()
        layout.addLayout(cards)
        layout.addWidget(self.flags_label)

    def show_finance(self, vf: VoletFinance, deadlines: list[Deadline]) -> None:
        """Affiche les échéances, les chiffres clés et les alertes du volet."""
        parts = []
        for d in deadlines:
            warn = d.passed or d.soon
            colour = DANGER if warn else "#14325C"
            mark = "⚠ " if warn else ""
            parts.append(
                f"<span style='color:{colour}'>{mark}<b>{escape(d.label)}</b> : "
                f"{d.date:%d/%m/%Y} — {escape(d.remaining_text())}</span>"
            )
        self.deadline_label.setText(" &nbsp;·&nbsp; ".join(parts))
        v = vf.volet
        self.volet_label.setText(
            f"{v.label} — période du plan de financement : {v.period_start:%d/%m/%Y} – {v.period_end:%d/%m/%Y}."
        )
        s = vf.summary
        self._card(
            "plafond",
            format_euros(v.plafond_cents),
            f"avance attendue {format_euros(s.advance_expected_cents)} ({s.advance_rate_pct} %)",
        )
        self._card(
            "plan",
            format_euros(vf.plan_total_cents),
            f"{len([ln for ln in vf.plan_lines if ln.montant_cents])} ligne(s) chiffrée(s), "
            f"{v.period_start:%d/%m/%Y} – {v.period_end:%d/%m/%Y}",
        )
        self.setToolTip(self.volet_label.text())
        self._card(
            "spent",
            format_euros(vf.eligible_cents),
            f"{pct_text(vf.rate_pct)} du plafond · {len(vf.expenses)} dépense(s)",
        )
        self._card(
            "received", format_euros(s.received_net_cents), f"{len(vf.payments)} versement(s)"
        )
        if s.balance_cents >= 0:
            self._card("balance", format_euros(s.balance_cents), "à recevoir de l'État au bilan")
        else:
            self._card(
                "balance",
                format_euros(s.balance_cents),
                "ℹ versements > dépenses retenues à ce jour",
            )
        flags = vf.all_flags()
        if not flags:
            self.flags_label.setText(
                "<span style='color:#067647'>✔ Aucune alerte : dépenses dans les montants prévus, "
                "crédits non mélangés entre volets.</span>"
            )
            return
        shown = [
            f"<span style='color:{SEVERITY_COLORS[f.severity]}'>{f.symbol} {escape(f.message)}</span>"
            for f in flags[:5]
        ]
        if len(flags) > 5:
            shown.append(f"… et {len(flags) - 5} autre(s) alerte(s) : voir les onglets.")
        self.flags_label.setText("<br>".join(shown))

    def _card(self, key: str, value: str, detail: str) -> None:
        v, d = self.cards[key]
        v.setText(value)
        d.setText(detail)
