"""Lecture du financement d'un volet : plan de financement, dépenses, consommation, versements, alertes.

Tout est calculé en centimes entiers. ``compute_volet_finance`` est une fonction pure (données
détachées en entrée) : la page, l'export et les tests partagent exactement les mêmes chiffres.
Les modèles de lecture sont dans ``finance_models`` (ré-exportés ici).

Règles :
- les lignes « Pour info » (moyens de l'opérateur France Travail) sont affichées mais n'entrent
  ni dans le total des besoins départementaux ni dans les dépenses retenues pour le solde ;
- les crédits ne sont pas fongibles entre volets : une dépense d'un volet rattachée à une ligne
  d'un autre volet est refusée à la saisie et, si elle existe (base ancienne, import), signalée
  et exclue des dépenses retenues ;
- article 6 de la convention : avance de 60 % du montant prévisionnel, puis solde « dans la
  limite du montant […] en fonction des actions effectivement réalisées, déduction faite des
  versements déjà effectués » : solde = min(dépenses retenues, plafond) − versements nets
  reçus ; négatif : trop-perçu, remboursé à l'État lors du bilan final ;
- volet 2 : « co-financement à hauteur de 50 % de la part du Département […] sur la globalité
  des actions du volet 2 » (taux et source enregistrés sur le volet) : le plafond de l'État et
  les dépenses retenues à ce jour donnent le coût total des actions et la part que le
  Département doit justifier au bilan (information rappelée sur la page et dans le bilan).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from sqlmodel import col, select

from db.models import Expense, FinancementLine, StatePayment, Volet
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import NotFoundError
from roadmap_app.core.formatting import format_euros
from roadmap_app.finance.models import (
    ALERTE,
    COFINANCING,
    CROSS_VOLET,
    DOCUMENT_TOTAL,
    ERREUR,
    INFO,
    INFORMATIVE_LINE,
    MISMATCH,
    NO_PLANNED_AMOUNT,
    OVER_BUDGET,
    OVER_PLAFOND,
    PAYMENT_KINDS,
    PLAN_OVER_PLAFOND,
    SYMBOLS,
    TROP_PERCU,
    ExpenseRow,
    Flag,
    LineConsumption,
    PaymentRow,
    PaymentSummary,
    PlanLine,
    PlanSection,
    VoletFinance,
    VoletRef,
    payment_kind_label,
)
from roadmap_app.finance.money import percent_of
from roadmap_app.finance.period import Period

__all__ = [
    "ALERTE",
    "COFINANCING",
    "CROSS_VOLET",
    "DOCUMENT_TOTAL",
    "ERREUR",
    "INFO",
    "INFORMATIVE_LINE",
    "MISMATCH",
    "NO_PLANNED_AMOUNT",
    "OVER_BUDGET",
    "OVER_PLAFOND",
    "PAYMENT_KINDS",
    "PLAN_OVER_PLAFOND",
    "SYMBOLS",
    "TROP_PERCU",
    "ExpenseRow",
    "Flag",
    "LineConsumption",
    "PaymentRow",
    "PaymentSummary",
    "PlanLine",
    "PlanSection",
    "VoletFinance",
    "VoletRef",
    "compute_volet_finance",
    "expense_flags",
    "list_volets",
    "load_finance",
    "load_volet_finance",
    "payment_kind_label",
    "plan_line",
    "volet_ref",
]


# -- calcul ------------------------------------------------------------------------------
def _e(cents: int | None) -> str:
    return format_euros(cents)


def expense_flags(e: ExpenseRow) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    computed = e.computed_cents
    if computed is not None and computed != e.montant_cents:
        flags.append(
            Flag(
                MISMATCH,
                f"Dépense « {e.nature} » : le montant {_e(e.montant_cents)} diffère de nombre "
                f"d'unités × coût unitaire = {_e(computed)} (écart {_e(e.montant_cents - computed)}).",
            )
        )
    if e.cross_volet:
        flags.append(
            Flag(
                CROSS_VOLET,
                f"Dépense « {e.nature} » du volet {e.volet_number} rattachée à une ligne du volet "
                f"{e.line_volet_number} : les crédits ne sont pas fongibles entre volets, elle n'est "
                f"pas retenue dans le solde. Rattachez-la à une ligne du volet {e.volet_number}.",
                ERREUR,
            )
        )
    elif e.line_informative:
        flags.append(
            Flag(
                INFORMATIVE_LINE,
                f"Dépense « {e.nature} » sur une ligne « Pour info » (moyens de l'opérateur) : "
                "déclarée dans le bilan, hors crédits du Département.",
                INFO,
            )
        )
    return tuple(flags)


def compute_volet_finance(
    volet: VoletRef,
    plan_lines: list[PlanLine],
    expenses: list[ExpenseRow],
    payments: list[PaymentRow],
) -> VoletFinance:
    """Plan de financement, consommation par ligne, versements et alertes d'un volet."""
    sections: list[PlanSection] = []
    for ln in sorted(plan_lines, key=lambda x: (x.position, x.id)):
        if not sections or sections[-1].title != ln.section:
            sections.append(PlanSection(ln.section))
        sections[-1].lines.append(ln)

    expenses = [
        _with_flags(e, expense_flags(e))
        for e in sorted(expenses, key=lambda x: (x.line_id, x.period.start or date.min, x.id))
    ]
    per_line: dict[int, list[ExpenseRow]] = {}
    for e in expenses:
        if not e.cross_volet:
            per_line.setdefault(e.line_id, []).append(e)

    consumption: list[LineConsumption] = []
    for s in sections:
        for ln in s.lines:
            items = per_line.get(ln.id, [])
            spent = sum(e.montant_cents for e in items)
            flags: list[Flag] = []
            if ln.montant_cents is not None and spent > ln.montant_cents:
                flags.append(
                    Flag(
                        OVER_BUDGET,
                        f"Ligne « {ln.label} » : dépenses {_e(spent)} pour {_e(ln.montant_cents)} "
                        f"prévus, dépassement de {_e(spent - ln.montant_cents)}.",
                    )
                )
            elif ln.montant_cents is None and spent > 0 and not ln.informative:
                flags.append(
                    Flag(
                        NO_PLANNED_AMOUNT,
                        f"Ligne « {ln.label} » : {_e(spent)} de dépenses sans montant prévu au plan "
                        "de financement.",
                    )
                )
            consumption.append(LineConsumption(ln, spent, len(items), tuple(flags)))

    plafond = volet.plafond_cents
    plan_total = sum(sec.total_cents or 0 for sec in sections)
    eligible = sum(e.montant_cents for e in expenses if e.eligible)
    volet_flags: list[Flag] = []
    if plafond is not None and plan_total > plafond:
        volet_flags.append(
            Flag(
                PLAN_OVER_PLAFOND,
                f"{volet.title} : le plan de financement ({_e(plan_total)}) dépasse le plafond "
                f"({_e(plafond)}) de {_e(plan_total - plafond)}.",
            )
        )
    if volet.total_document_cents is not None and plan_total != volet.total_document_cents:
        volet_flags.append(
            Flag(
                DOCUMENT_TOTAL,
                f"{volet.title} : le total des lignes ({_e(plan_total)}) diffère du total écrit "
                f"dans la convention ({_e(volet.total_document_cents)}).",
                INFO,
            )
        )
    if plafond is not None and eligible > plafond:
        volet_flags.append(
            Flag(
                OVER_PLAFOND,
                f"{volet.title} : dépenses retenues {_e(eligible)} au-delà du plafond "
                f"{_e(plafond)} ; l'excédent ({_e(eligible - plafond)}) reste à la charge du "
                "Département et ne peut pas être reporté sur un autre volet.",
                ERREUR,
            )
        )

    if volet.cofinancing_rate_pct:
        volet_flags.append(
            cofinancing_flag(volet, plafond if plafond is not None else plan_total, eligible)
        )

    summary = PaymentSummary(
        plafond_cents=plafond if plafond is not None else plan_total,
        advance_rate_pct=volet.advance_rate_pct,
        advance_expected_cents=percent_of(
            plafond if plafond is not None else plan_total, volet.advance_rate_pct
        ),
        advance_received_cents=sum(p.amount_cents for p in payments if p.kind == "avance"),
        solde_received_cents=sum(p.amount_cents for p in payments if p.kind == "solde"),
        repaid_cents=sum(p.amount_cents for p in payments if p.kind == "remboursement"),
        eligible_cents=eligible,
    )
    if summary.balance_cents < 0:
        volet_flags.append(
            Flag(
                TROP_PERCU,
                f"{volet.title} : les versements nets reçus ({_e(summary.received_net_cents)}) "
                f"dépassent de {_e(-summary.balance_cents)} les dépenses retenues à ce jour "
                f"({_e(summary.retained_cents)}) ; sans nouvelle dépense, ce trop-perçu serait à "
                "rembourser à l'État au bilan.",
                INFO,
            )
        )
    return VoletFinance(
        volet=volet,
        sections=sections,
        expenses=expenses,
        lines=consumption,
        payments=sorted(payments, key=lambda p: (p.date, p.id)),
        summary=summary,
        flags=volet_flags,
    )


def cofinancing_flag(volet: VoletRef, plafond: int, eligible: int) -> Flag:
    """La règle de co-financement du volet, chiffrée : coût total des actions qui correspond au
    plafond de l'État, et part du Département à justifier pour les dépenses retenues à ce jour."""
    rate = volet.cofinancing_rate_pct or 0
    state = 100 - rate

    def total_for(
        state_cents: int,
    ) -> int:  # coût total dont l'État finance ``state`` % (centime supérieur)
        return -(-state_cents * 100 // state)

    refs = " ; ".join(_SOURCE_REF.findall(volet.cofinancing_source))
    total = total_for(plafond)
    message = (
        f"{volet.title} : co-financement du Département à hauteur de {rate} % du coût total des actions du volet"
        f"{f' ({refs})' if refs else ''}. Le plafond de l'État ({_e(plafond)}) correspond à un coût total d'au "
        f"moins {_e(total)}, dont {_e(total - plafond)} à la charge du Département"
    )
    if eligible:
        message += (
            f" ; pour les dépenses retenues à ce jour ({_e(eligible)}), le Département justifie au bilan au moins "
            f"{_e(total_for(eligible) - eligible)} de co-financement"
        )
    return Flag(COFINANCING, message + ".", INFO)


#: « 000_….txt, l. 846 », « 003_….txt, l. 221 et 1233 » : les renvois d'une source, sans les citations
_SOURCE_REF = re.compile(r"\d{3}_[0-9a-f]+\.txt, l\. [\d-]+(?: et [\d-]+)?")


def _with_flags(e: ExpenseRow, flags: tuple[Flag, ...]) -> ExpenseRow:
    return replace(e, flags=flags)


# -- chargement --------------------------------------------------------------------------
def volet_ref(v: Volet) -> VoletRef:
    assert v.id is not None
    return VoletRef(
        v.id,
        v.number,
        v.label,
        v.period_start,
        v.period_end,
        v.plafond_cents,
        v.total_document_cents,
        v.advance_rate_pct,
        v.cofinancing_rate_pct,
        v.cofinancing_source,
    )


def plan_line(ln: FinancementLine, volet_number: int) -> PlanLine:
    assert ln.id is not None
    return PlanLine(
        ln.id,
        ln.volet_id,
        volet_number,
        ln.position,
        ln.section,
        ln.nature,
        ln.objet,
        ln.precisions,
        ln.existant,
        ln.cible,
        ln.delta,
        ln.montant_cents,
        ln.financement_complementaire,
        ln.note,
        ln.version,
    )


def list_volets(ctx: AppContext) -> list[VoletRef]:
    with ctx.store.session() as s:
        return [volet_ref(v) for v in s.exec(select(Volet).order_by(col(Volet.number))).all()]


def load_finance(ctx: AppContext, volet: int | None = None) -> list[VoletFinance]:
    """Le financement de chaque volet (ou du volet ``volet``, par son numéro)."""
    with ctx.store.session() as s:
        query = select(Volet).order_by(col(Volet.number))
        if volet is not None:
            query = query.where(Volet.number == volet)
        volets = [volet_ref(v) for v in s.exec(query).all()]
        if volet is not None and not volets:
            known = ", ".join(str(v.number) for v in s.exec(select(Volet)).all())
            raise NotFoundError(f"Volet {volet} inconnu (volets de la convention : {known}).")
        numbers = {v.id: v.number for v in s.exec(select(Volet)).all()}
        lines = {
            ln.id: plan_line(ln, numbers[ln.volet_id])
            for ln in s.exec(select(FinancementLine)).all()
        }
        expenses: dict[int, list[ExpenseRow]] = {}
        for e in s.exec(
            select(Expense).where(col(Expense.archived).is_(False)).order_by(col(Expense.id))
        ).all():
            assert e.id is not None
            line = lines[e.line_id]
            expenses.setdefault(e.volet_id, []).append(
                ExpenseRow(
                    id=e.id,
                    volet_id=e.volet_id,
                    volet_number=numbers[e.volet_id],
                    line_id=e.line_id,
                    line_volet_number=line.volet_number,
                    line_label=line.label,
                    line_informative=line.informative,
                    group_key=e.group_key,
                    subgroup_key=e.subgroup_key,
                    nature=e.nature,
                    unite=e.unite,
                    units_milli=e.units_milli,
                    unit_cost_cents=e.unit_cost_cents,
                    period=Period(e.period_start, e.period_end, e.period_label),
                    objet=e.objet,
                    montant_cents=e.montant_cents,
                    note=e.note,
                    version=e.version,
                    created_by=e.created_by,
                    updated_at=e.updated_at,
                    updated_by=e.updated_by,
                )
            )
        payments: dict[int, list[PaymentRow]] = {}
        for p in s.exec(select(StatePayment).where(col(StatePayment.archived).is_(False))).all():
            assert p.id is not None
            payments.setdefault(p.volet_id, []).append(
                PaymentRow(
                    p.id, p.volet_id, p.kind, p.amount_cents, p.date, p.reference, p.note, p.version
                )
            )
    return [
        compute_volet_finance(
            v,
            [ln for ln in lines.values() if ln.volet_id == v.id],
            expenses.get(v.id, []),
            payments.get(v.id, []),
        )
        for v in volets
    ]


def load_volet_finance(ctx: AppContext, volet: int) -> VoletFinance:
    return load_finance(ctx, volet)[0]
