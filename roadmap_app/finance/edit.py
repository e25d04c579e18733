"""Modifications du financement : lignes du plan, dépenses, versements de l'État.

Chaque modification est une seule transaction et une seule opération journalisée (donc un seul
« Annuler ») ; elle est refusée si la donnée a été modifiée depuis la version lue
(``expected_version``). Une saisie invalide lève ``ValidationError`` avec un message qui nomme
chaque champ fautif ; rien n'est écrit. Ajouter = créer la ligne et journaliser « archived »
vrai → faux ; retirer = archiver : l'annulation et le rétablissement passent par le journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from db.errors import StaleDataError
from db.models import Expense, FinancementLine, StatePayment, Volet
from db.types import utcnow
from roadmap_app.core import journal, ops
from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import DateParseError, format_date, parse_day
from roadmap_app.core.errors import NotFoundError, ValidationError
from roadmap_app.core.formatting import format_euros
from roadmap_app.core.text import clean_text
from roadmap_app.finance import annexe3
from roadmap_app.finance.money import parse_cents, parse_quantity_milli, units_times_cost
from roadmap_app.finance.period import parse_period
from roadmap_app.finance.read import PAYMENT_KINDS, plan_line


@dataclass(frozen=True)
class EditResult:
    id: int
    operation_id: str | None  # None : rien n'a changé
    label: str


@dataclass(frozen=True)
class ExpenseInput:
    """Saisie d'une dépense telle que tapée (textes) ; la rubrique par défaut suit la ligne du plan."""

    line_id: int
    nature: str
    montant: str = ""
    unite: str = ""
    units: str = ""
    unit_cost: str = ""
    period: str = ""
    objet: str = ""
    note: str = ""
    group_key: str | None = None
    subgroup_key: str | None = None


@dataclass(frozen=True)
class PlanLineInput:
    nature: str
    objet: str
    precisions: str
    existant: str
    cible: str
    delta: str
    montant: str
    financement_complementaire: str
    note: str


@dataclass(frozen=True)
class PaymentInput:
    kind: str
    amount: str
    date: str
    reference: str = ""
    note: str = ""


class _Errors:
    """Collecte les erreurs de saisie de tous les champs, puis lève une seule ``ValidationError``."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ValidationError, DateParseError) as err:
            self.messages.append(str(err))
            return None

    def add(self, message: str) -> None:
        self.messages.append(message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError("\n".join(self.messages))


def _limit(errors: _Errors, field: str, value: str, limit: int) -> str:
    value = clean_text(value).strip()
    if len(value) > limit:
        errors.add(f"{field} : {len(value)} caractères, au plus {limit}.")
    return value


def _versioned_update(
    s: Session,
    model: Any,
    row: Any,
    values: dict[str, Any],
    *,
    entity: str,
    label: str,
    who: str,
) -> list[journal.FieldChange]:
    old = {k: getattr(row, k) for k in values}
    changed = {k: v for k, v in values.items() if old[k] != v}
    if not changed:
        return []
    extra: dict[str, Any] = {"version": row.version + 1}
    if hasattr(model, "updated_by"):
        extra.update(updated_at=utcnow(), updated_by=who)
    result = s.execute(
        update(model)
        .where(model.id == row.id, model.version == row.version)
        .values(**changed, **extra)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleDataError(
            f"« {label} » vient d'être modifié ailleurs : rechargez et recommencez."
        )
    return [journal.FieldChange(entity, row.id, label, k, old[k], v) for k, v in changed.items()]


def _check_version(row: Any, expected: int | None, what: str) -> None:
    if expected is not None and row.version != expected:
        who = getattr(row, "updated_by", "") or "un autre utilisateur"
        raise StaleDataError(
            f"{what} a été modifié(e) par {who} depuis que vous l'avez ouvert(e). Vos modifications "
            "n'ont pas été enregistrées : rechargez et recommencez."
        )


def _operation_id(out: ops.Outcome) -> str | None:
    assert out.changes is not None
    return out.changes.operation_id


def _volet(s: Session, number: int) -> Volet:
    from sqlmodel import select

    v = s.exec(select(Volet).where(Volet.number == number)).first()
    if v is None:
        raise NotFoundError(f"Volet {number} inconnu.")
    return v


# -- plan de financement -----------------------------------------------------------------
def update_plan_line(
    ctx: AppContext,
    line_id: int,
    data: PlanLineInput,
    *,
    expected_version: int | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Modifie une ligne du plan de financement (textes tels qu'écrits et montant du delta)."""
    errors = _Errors()
    values = {
        "nature": clean_text(data.nature).strip(),
        "objet": clean_text(data.objet).strip(),
        "precisions": clean_text(data.precisions).strip(),
        "existant": _limit(errors, "Ressources existantes", data.existant, 200),
        "cible": _limit(errors, "Cible", data.cible, 200),
        "delta": _limit(errors, "Delta", data.delta, 200),
        "montant_cents": errors.run(
            parse_cents, data.montant, field="Montant delta", allow_empty=True
        ),
        "financement_complementaire": clean_text(data.financement_complementaire).strip(),
        "note": clean_text(data.note).strip(),
    }
    errors.raise_if_any()
    out = ops.Outcome()
    with ops.operation(ctx, source=source, record_undo=record_undo, outcome=out) as op:
        s = op.session
        row = s.get(FinancementLine, line_id)
        if row is None:
            raise NotFoundError("Ligne du plan de financement introuvable.")
        volet = s.get(Volet, row.volet_id)
        assert volet is not None
        line = plan_line(row, volet.number)
        _check_version(row, expected_version, f"La ligne « {line.label} »")
        label = f"Plan de financement, volet {volet.number} : {line.label}"
        changes = _versioned_update(
            s, FinancementLine, row, values, entity="financement_line", label=label, who=ctx.author
        )
        op.label = label
        op.extend(changes)
    return EditResult(line_id, _operation_id(out), label)


# -- dépenses ----------------------------------------------------------------------------
def _expense_values(s: Session, volet: Volet, data: ExpenseInput) -> dict[str, Any]:
    errors = _Errors()
    line_row = s.get(FinancementLine, data.line_id)
    if line_row is None:
        raise NotFoundError("Ligne du plan de financement introuvable.")
    line_volet = s.get(Volet, line_row.volet_id)
    assert line_volet is not None
    line = plan_line(line_row, line_volet.number)
    if line_volet.number != volet.number:
        raise ValidationError(
            f"Ligne du plan : « {line.label} » appartient au volet {line_volet.number}, pas au "
            f"volet {volet.number}. Les crédits ne sont pas fongibles entre volets : une dépense du "
            f"volet {volet.number} doit être rattachée à une ligne de ce volet."
        )
    nature = clean_text(data.nature).strip()
    if not nature:
        errors.add(
            "Nature de la dépense : obligatoire (par exemple « Rémunération chef de projet »)."
        )
    units = errors.run(parse_quantity_milli, data.units, field="Nombre d'unités")
    cost = errors.run(parse_cents, data.unit_cost, field="Coût unitaire", allow_empty=True)
    montant = None
    if data.montant.strip():
        montant = errors.run(parse_cents, data.montant, field="Montant")
    elif units is not None and cost is not None:
        montant = units_times_cost(units, cost)
    elif not errors.messages:
        errors.add(
            "Montant : obligatoire (ou indiquez le nombre d'unités et le coût unitaire pour le calculer)."
        )
    if montant == 0:
        errors.add("Montant : une dépense de 0,00\u00a0€ n'a pas lieu d'être déclarée.")
    period = errors.run(parse_period, data.period)
    group_key, subgroup_key = line.rubrique()
    if data.group_key:
        group_key, subgroup_key = data.group_key, data.subgroup_key or ""
    errors.run(annexe3.check_rubrique, volet.number, group_key, subgroup_key)
    values = {
        "line_id": data.line_id,
        "group_key": group_key,
        "subgroup_key": subgroup_key,
        "nature": nature,
        "unite": _limit(errors, "Unité", data.unite, 60),
        "units_milli": units,
        "unit_cost_cents": cost,
        "period_start": None if period is None else period.start,
        "period_end": None if period is None else period.end,
        "period_label": _limit(errors, "Date ou période", data.period, 120),
        "objet": clean_text(data.objet).strip(),
        "montant_cents": montant,
        "note": clean_text(data.note).strip(),
    }
    errors.raise_if_any()
    return values


def _expense_label(volet_number: int, nature: str, montant: int | None) -> str:
    return f"Dépense volet {volet_number} : {nature} ({format_euros(montant)})"


def add_expense(
    ctx: AppContext,
    volet: int,
    data: ExpenseInput,
    *,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Déclare une dépense du volet ``volet`` (numéro) sur une ligne de son plan de financement."""
    out = ops.Outcome()
    with ops.operation(ctx, source=source, record_undo=record_undo, outcome=out) as op:
        s = op.session
        v = _volet(s, volet)
        values = _expense_values(s, v, data)
        now = utcnow()
        row = Expense(
            volet_id=v.id,  # type: ignore[arg-type]
            created_at=now,
            created_by=ctx.author,
            updated_at=now,
            updated_by=ctx.author,
            **values,
        )
        s.add(row)
        s.flush()
        assert row.id is not None
        label = "Ajout : " + _expense_label(v.number, row.nature, row.montant_cents)
        change = journal.FieldChange("expense", row.id, label, "archived", True, False)
        op.label = label
        op.extend([change])
    return EditResult(row.id, _operation_id(out), label)


def update_expense(
    ctx: AppContext,
    expense_id: int,
    data: ExpenseInput,
    *,
    expected_version: int | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    out = ops.Outcome()
    with ops.operation(ctx, source=source, record_undo=record_undo, outcome=out) as op:
        s = op.session
        row = s.get(Expense, expense_id)
        if row is None or row.archived:
            raise NotFoundError("Dépense introuvable (retirée entre-temps ?).")
        v = s.get(Volet, row.volet_id)
        assert v is not None
        _check_version(row, expected_version, f"La dépense « {row.nature} »")
        values = _expense_values(s, v, data)
        label = "Modification : " + _expense_label(
            v.number, values["nature"], values["montant_cents"]
        )
        changes = _versioned_update(
            s, Expense, row, values, entity="expense", label=label, who=ctx.author
        )
        op.label = label
        op.extend(changes)
    return EditResult(expense_id, _operation_id(out), label)


def remove_expense(
    ctx: AppContext,
    expense_id: int,
    *,
    expected_version: int | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Retire une dépense (archivée : elle sort des totaux, l'annulation la fait revenir)."""
    out = ops.Outcome()
    with ops.operation(ctx, source=source, record_undo=record_undo, outcome=out) as op:
        s = op.session
        row = s.get(Expense, expense_id)
        if row is None or row.archived:
            raise NotFoundError("Dépense introuvable (déjà retirée ?).")
        v = s.get(Volet, row.volet_id)
        assert v is not None
        _check_version(row, expected_version, f"La dépense « {row.nature} »")
        label = "Retrait : " + _expense_label(v.number, row.nature, row.montant_cents)
        changes = _versioned_update(
            s, Expense, row, {"archived": True}, entity="expense", label=label, who=ctx.author
        )
        op.label = label
        op.extend(changes)
    return EditResult(expense_id, _operation_id(out), label)


# -- versements de l'État ---------------------------------------------------------------
def _payment_values(ctx: AppContext, data: PaymentInput) -> dict[str, Any]:
    errors = _Errors()
    if data.kind not in PAYMENT_KINDS:
        valid = ", ".join(f"« {k} »" for k in PAYMENT_KINDS)
        errors.add(f"Nature du versement « {data.kind} » inconnue ({valid}).")
    amount = errors.run(parse_cents, data.amount, field="Montant reçu")
    if amount == 0:
        errors.add("Montant reçu : 0,00\u00a0€ n'est pas un versement.")
    when = None
    if not data.date.strip():
        errors.add("Date : obligatoire (JJ/MM/AAAA).")
    else:
        when = errors.run(parse_day, data.date)
        if when is not None and when > ctx.today():
            errors.add(
                f"Date : le {format_date(when)} est postérieur à aujourd'hui ; n'enregistrez que "
                "les versements reçus."
            )
    values = {
        "kind": data.kind,
        "amount_cents": amount,
        "date": when,
        "reference": _limit(errors, "Référence", data.reference, 200),
        "note": clean_text(data.note).strip(),
    }
    errors.raise_if_any()
    return values


def _payment_label(volet_number: int, kind: str, amount: int | None) -> str:
    return (
        f"Versement volet {volet_number} : {PAYMENT_KINDS.get(kind, kind)} ({format_euros(amount)})"
    )


def add_payment(
    ctx: AppContext,
    volet: int,
    data: PaymentInput,
    *,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    values = _payment_values(ctx, data)
    out = ops.Outcome()
    with ops.operation(ctx, source=source, record_undo=record_undo, outcome=out) as op:
        s = op.session
        v = _volet(s, volet)
        now = utcnow()
        row = StatePayment(
            volet_id=v.id,  # type: ignore[arg-type]
            created_at=now,
            created_by=ctx.author,
            updated_at=now,
            updated_by=ctx.author,
            **values,
        )
        s.add(row)
        s.flush()
        assert row.id is not None
        label = "Ajout : " + _payment_label(v.number, row.kind, row.amount_cents)
        change = journal.FieldChange("state_payment", row.id, label, "archived", True, False)
        op.label = label
        op.extend([change])
    return EditResult(row.id, _operation_id(out), label)


def update_payment(
    ctx: AppContext,
    payment_id: int,
    data: PaymentInput,
    *,
    expected_version: int | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    values = _payment_values(ctx, data)
    out = ops.Outcome()
    with ops.operation(ctx, source=source, record_undo=record_undo, outcome=out) as op:
        s = op.session
        row = s.get(StatePayment, payment_id)
        if row is None or row.archived:
            raise NotFoundError("Versement introuvable (retiré entre-temps ?).")
        v = s.get(Volet, row.volet_id)
        assert v is not None
        _check_version(row, expected_version, "Le versement")
        label = "Modification : " + _payment_label(v.number, values["kind"], values["amount_cents"])
        changes = _versioned_update(
            s, StatePayment, row, values, entity="state_payment", label=label, who=ctx.author
        )
        op.label = label
        op.extend(changes)
    return EditResult(payment_id, _operation_id(out), label)


def remove_payment(
    ctx: AppContext,
    payment_id: int,
    *,
    expected_version: int | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    out = ops.Outcome()
    with ops.operation(ctx, source=source, record_undo=record_undo, outcome=out) as op:
        s = op.session
        row = s.get(StatePayment, payment_id)
        if row is None or row.archived:
            raise NotFoundError("Versement introuvable (déjà retiré ?).")
        v = s.get(Volet, row.volet_id)
        assert v is not None
        _check_version(row, expected_version, "Le versement")
        label = "Retrait : " + _payment_label(v.number, row.kind, row.amount_cents)
        changes = _versioned_update(
            s,
            StatePayment,
            row,
            {"archived": True},
            entity="state_payment",
            label=label,
            who=ctx.author,
        )
        op.label = label
        op.extend(changes)
    return EditResult(payment_id, _operation_id(out), label)
