"""Modèles de lecture du financement (détachés de la base) et alertes.

Montants en centimes entiers ; taux en ``Decimal`` exact. Voir ``services.finance`` pour le
calcul et le chargement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from roadmap_app.core.errors import NotFoundError, ValidationError
from roadmap_app.core.text import fold
from roadmap_app.finance import annexe3
from roadmap_app.finance.money import ratio_pct, units_times_cost
from roadmap_app.finance.period import Period

# -- alertes --------------------------------------------------------------------------
ERREUR, ALERTE, INFO = "erreur", "alerte", "info"
SYMBOLS = {ERREUR: "✖", ALERTE: "⚠", INFO: "ℹ"}

OVER_BUDGET = "depassement_ligne"
NO_PLANNED_AMOUNT = "sans_montant_prevu"
MISMATCH = "ecart_unites_cout"
CROSS_VOLET = "autre_volet"
INFORMATIVE_LINE = "ligne_pour_info"
OVER_PLAFOND = "depassement_plafond"
PLAN_OVER_PLAFOND = "plan_au_dela_du_plafond"
DOCUMENT_TOTAL = "total_different_du_document"
TROP_PERCU = "trop_percu"
COFINANCING = "cofinancement"


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    severity: str = ALERTE

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.severity]

    def text(self) -> str:
        return f"{self.symbol} {self.message}"


# -- modèles de lecture -----------------------------------------------------------------
@dataclass(frozen=True)
class VoletRef:
    id: int
    number: int
    label: str
    period_start: date
    period_end: date
    plafond_cents: int | None
    total_document_cents: int | None
    advance_rate_pct: int
    #: part du Département dans le coût total des actions du volet (co-financement), en %
    cofinancing_rate_pct: int | None = None
    cofinancing_source: str = ""

    @property
    def title(self) -> str:
        return f"Volet {self.number}"


@dataclass(frozen=True)
class PlanLine:
    id: int
    volet_id: int
    volet_number: int
    position: int
    section: str
    nature: str
    objet: str
    precisions: str
    existant: str
    cible: str
    delta: str
    montant_cents: int | None
    financement_complementaire: str
    note: str
    version: int

    @property
    def informative(self) -> bool:
        """Ligne « Pour info » : moyens de l'opérateur, hors crédits du Département."""
        return fold(self.nature).startswith("pour info")

    @property
    def label(self) -> str:
        """Libellé court : l'objet, précisé si besoin, sinon la nature."""
        base = self.objet or self.nature or self.section
        if (
            self.precisions
        ):  # une longue précision est coupée au mot : deux lignes restent distinctes
            short = (
                self.precisions
                if len(self.precisions) <= 90
                else self.precisions[:80].rsplit(" ", 1)[0] + "…"
            )
            base = f"{base} — {short}"
        return f"{base} (pour info)" if self.informative else base

    def rubrique(self) -> tuple[str, str]:
        return annexe3.suggest_rubrique(self.volet_number, self.section, self.nature, self.objet)


@dataclass
class PlanSection:
    title: str
    lines: list[PlanLine] = field(default_factory=list)

    @property
    def total_cents(self) -> int | None:
        """Somme des montants (hors lignes « Pour info ») ; ``None`` si aucune ligne n'a de montant."""
        amounts = [
            ln.montant_cents
            for ln in self.lines
            if ln.montant_cents is not None and not ln.informative
        ]
        return sum(amounts) if amounts else None


@dataclass(frozen=True)
class ExpenseRow:
    id: int
    volet_id: int
    volet_number: int
    line_id: int
    line_volet_number: int
    line_label: str
    line_informative: bool
    group_key: str
    subgroup_key: str
    nature: str
    unite: str
    units_milli: int | None
    unit_cost_cents: int | None
    period: Period
    objet: str
    montant_cents: int
    note: str
    version: int
    created_by: str
    updated_at: datetime | None
    updated_by: str
    flags: tuple[Flag, ...] = ()

    @property
    def computed_cents(self) -> int | None:
        if self.units_milli is None or self.unit_cost_cents is None:
            return None
        return units_times_cost(self.units_milli, self.unit_cost_cents)

    @property
    def cross_volet(self) -> bool:
        return self.line_volet_number != self.volet_number

    @property
    def eligible(self) -> bool:
        """Retenue pour le solde : rattachée à une ligne de son volet, hors ligne « Pour info »."""
        return not self.cross_volet and not self.line_informative

    @property
    def rubrique_label(self) -> str:
        try:
            group, sg = annexe3.check_rubrique(self.volet_number, self.group_key, self.subgroup_key)
        except ValidationError:
            return f"{self.group_key}/{self.subgroup_key}"
        head = annexe3.short_group_title(group)
        return f"{head} › {sg.display}" if sg.display else head


@dataclass(frozen=True)
class PaymentRow:
    id: int
    volet_id: int
    kind: str
    amount_cents: int
    date: date
    reference: str
    note: str
    version: int


PAYMENT_KINDS: dict[str, str] = {
    "avance": "Avance",
    "solde": "Solde",
    "remboursement": "Remboursement de trop-perçu",
}


def payment_kind_label(kind: str, rate_pct: int | None = None) -> str:
    if kind == "avance" and rate_pct is not None:
        return f"Avance ({rate_pct} %)"
    return PAYMENT_KINDS.get(kind, kind)


@dataclass(frozen=True)
class LineConsumption:
    line: PlanLine
    spent_cents: int
    expense_count: int
    flags: tuple[Flag, ...] = ()

    @property
    def planned_cents(self) -> int | None:
        return self.line.montant_cents

    @property
    def remaining_cents(self) -> int | None:
        return None if self.planned_cents is None else self.planned_cents - self.spent_cents

    @property
    def rate_pct(self) -> Decimal | None:
        return ratio_pct(self.spent_cents, self.planned_cents)


@dataclass(frozen=True)
class PaymentSummary:
    plafond_cents: int
    advance_rate_pct: int
    advance_expected_cents: int
    advance_received_cents: int
    solde_received_cents: int
    repaid_cents: int
    eligible_cents: int

    @property
    def received_net_cents(self) -> int:
        return self.advance_received_cents + self.solde_received_cents - self.repaid_cents

    @property
    def retained_cents(self) -> int:
        """Dépenses retenues au bilan : dans la limite du plafond."""
        return min(self.eligible_cents, self.plafond_cents)

    @property
    def balance_cents(self) -> int:
        """Positif : solde à recevoir de l'État ; négatif : trop-perçu à rembourser."""
        return self.retained_cents - self.received_net_cents

    @property
    def advance_pending_cents(self) -> int:
        return max(self.advance_expected_cents - self.advance_received_cents, 0)


@dataclass
class VoletFinance:
    volet: VoletRef
    sections: list[PlanSection]
    expenses: list[ExpenseRow]
    lines: list[LineConsumption]
    payments: list[PaymentRow]
    summary: PaymentSummary
    flags: list[Flag]

    @property
    def plan_lines(self) -> list[PlanLine]:
        return [ln for s in self.sections for ln in s.lines]

    @property
    def plan_total_cents(self) -> int:
        return sum(s.total_cents or 0 for s in self.sections)

    @property
    def spent_cents(self) -> int:
        """Toutes les dépenses déclarées du volet (total de l'annexe 3)."""
        return sum(e.montant_cents for e in self.expenses)

    @property
    def eligible_cents(self) -> int:
        return self.summary.eligible_cents

    @property
    def rate_pct(self) -> Decimal | None:
        return ratio_pct(self.eligible_cents, self.volet.plafond_cents or self.plan_total_cents)

    def line(self, line_id: int) -> LineConsumption:
        for lc in self.lines:
            if lc.line.id == line_id:
                return lc
        raise NotFoundError("Ligne du plan de financement introuvable.")

    def expense(self, expense_id: int) -> ExpenseRow:
        for e in self.expenses:
            if e.id == expense_id:
                return e
        raise NotFoundError("Dépense introuvable (retirée ?).")

    def all_flags(self) -> list[Flag]:
        """Alertes du volet puis des lignes et des dépenses (sans doublon)."""
        out: list[Flag] = []
        for f in [
            *self.flags,
            *(f for lc in self.lines for f in lc.flags),
            *(f for e in self.expenses for f in e.flags),
        ]:
            if f not in out:
                out.append(f)
        return out
