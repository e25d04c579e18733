"""Écriture des flux mensuels, des cibles et des moyens (portefeuilles, ETP) ; lecture : ``flows.series``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from db.errors import StaleDataError
from db.models import FlowTarget, FlowValue, Portfolio
from db.types import utcnow
from roadmap_app.core import journal, ops
from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import format_month
from roadmap_app.core.errors import ValidationError
from roadmap_app.flows.catalogue import BY_CODE
from roadmap_app.flows.series import (
    TO_CONFIRM,
    PortfolioRef,
    Target,
    bassins,
    load_portfolios,
    load_targets,
)
from roadmap_app.flows.validation import FlowError, check_month, window_error
from roadmap_app.plan.read import BassinRef, find_bassin

#: Sortes de cibles : moyenne de N par mois (jugée sur le cumul), au moins N % du total, tendance de
#: N %, au plus N, au moins N.
TARGET_KINDS = {
    "monthly_average": "en moyenne N par mois (jugée sur le cumul des mois)",
    "share_min": "au moins N % du total",
    "share_target": "tendance attendue : N % du total",
    "max": "au plus N",
    "min": "au moins N",
}


def add_target(ctx: AppContext, indicator: str, value: float, effective_from: date, *, kind: str,
               bassin: str | int | None = None, label: str = "", source: str = "saisie",
               record_undo: bool = False) -> Target:  # fmt: skip
    """Nouvelle cible à partir d'une date : les mois antérieurs gardent la cible d'alors."""
    if indicator not in BY_CODE and indicator != "charge_referent":
        raise ValidationError(f"Indicateur « {indicator} » inconnu.")
    kind = LEGACY_KINDS.get(kind, kind)
    _check_effective(effective_from)
    if kind not in TARGET_KINDS:
        raise ValidationError(
            f"Sorte de cible « {kind} » inconnue : {', '.join(f'{k} ({v})' for k, v in TARGET_KINDS.items())}."
        )
    if value < 0 or (kind.startswith("share") and value > 100):
        raise ValidationError(
            f"Cible de {value:g} refusée : "
            + (
                "une part va de 0 à 100 %."
                if kind.startswith("share")
                else "elle ne peut pas être négative."
            )
        )
    bassin_id = None if bassin is None else find_bassin(bassins(ctx), bassin).id
    same = [t for t in load_targets(ctx) if (t.indicator, t.bassin_id, t.kind, t.effective_from)
            == (indicator, bassin_id, kind, effective_from)]  # fmt: skip
    if same:
        raise ValidationError(
            f"Une cible « {indicator} » ({kind}) à partir du {effective_from:%d/%m/%Y} existe déjà "
            f"({same[0].value:g}) : choisissez une autre date d'effet."
        )
    # journalisée ; annulable quand on le demande (indicateurs de suivi : la valeur retirée devient
    # nulle), sinon l'historique des cibles se corrige par une nouvelle date d'effet
    outcome = ops.Outcome()
    with ops.operation(ctx, f"Nouvelle cible « {indicator} » à partir du {effective_from:%d/%m/%Y}",
                       record_undo=record_undo, outcome=outcome) as op:  # fmt: skip
        s = op.session
        row = FlowTarget(indicator=indicator, bassin_id=bassin_id, kind=kind, value=float(value),
                         effective_from=effective_from, label=label, source=source)  # fmt: skip
        s.add(row)
        s.flush()
        assert row.id is not None
        op.change("flow_target", row.id, label or indicator, "value", None, float(value))
    operation_id = None if outcome.changes is None else outcome.changes.operation_id
    return Target(indicator, bassin_id, kind, float(value), effective_from, label, source, operation_id)


def _check_effective(day: date) -> None:
    message = window_error(day, "Date d'effet")
    if message:
        raise ValidationError(message)


#: ancien nom d'une sorte de cible → nom actuel (une moyenne d'entrants n'est pas un plancher)
LEGACY_KINDS = {"monthly_min": "monthly_average"}

ORGANISMES = {"FT": ("France Travail", "portefeuilles"), "CD": ("délégués du Département", "ETP")}


def set_portfolio(ctx: AppContext, bassin: str | int, organisme: str, number: float, effective_from: date,
                  *, capacity: int = 70, source: str = "saisie") -> PortfolioRef:  # fmt: skip
    """Moyens d'un bassin à partir d'une date (portefeuilles France Travail ou ETP de délégués du
    Département) : la charge des mois antérieurs reste calculée avec les moyens d'alors.

    À la date de moyens « à confirmer » (documents contradictoires), la saisie les confirme ou les
    corrige : le nombre saisi remplace celui du document, qui reste cité dans la source."""
    _check_effective(effective_from)
    org = organisme.strip().upper()
    if org not in ORGANISMES:
        raise ValidationError(
            f"Organisme « {organisme} » inconnu : FT (France Travail) ou CD (délégués du Département)."
        )
    if number <= 0:
        raise ValidationError(
            f"Nombre de {ORGANISMES[org][1]} « {number:g} » refusé : il doit être positif."
        )
    if not 1 <= capacity <= 500:
        raise ValidationError(f"Plafond de {capacity} ARSA par référent refusé : entre 1 et 500.")
    ref = find_bassin(bassins(ctx), bassin)
    same = [p for p in load_portfolios(ctx) if (p.bassin_id, p.organisme, p.effective_from) == (ref.id, org, effective_from)]  # fmt: skip
    if same and same[-1].doubt:
        return _confirm_portfolio(
            ctx, ref.id, ref.name, org, float(number), capacity, effective_from, source
        )
    if same:
        raise ValidationError(
            f"Les moyens {ORGANISMES[org][0]} du bassin {ref.name} au {effective_from:%d/%m/%Y} sont déjà "
            "enregistrés : choisissez une autre date d'effet."
        )
    unit = ORGANISMES[org][1]
    with ops.operation(ctx, f"Moyens {ORGANISMES[org][0]} du bassin {ref.name} à partir du "
                       f"{effective_from:%d/%m/%Y}", record_undo=False) as op:  # fmt: skip
        s = op.session
        row = Portfolio(bassin_id=ref.id, organisme=org, unit=unit, number=float(number),
                        capacity_per_referent=capacity, effective_from=effective_from, source=source)  # fmt: skip
        s.add(row)
        s.flush()
        assert row.id is not None
        op.change("portfolio", row.id, f"{ref.name} / {org}", "number", None, float(number))
    return PortfolioRef(ref.id, org, unit, float(number), capacity, effective_from, source)


def _confirm_portfolio(ctx: AppContext, bassin_id: int, bassin_name: str, org: str, number: float, capacity: int,
                       effective_from: date, source: str) -> PortfolioRef:  # fmt: skip
    with ops.operation(ctx, f"Moyens {ORGANISMES[org][0]} du bassin {bassin_name} au "
                       f"{effective_from:%d/%m/%Y} confirmés : {number:g} {ORGANISMES[org][1]}",
                       record_undo=False) as op:  # fmt: skip
        s = op.session
        row = s.exec(
            select(Portfolio).where(Portfolio.bassin_id == bassin_id, Portfolio.organisme == org,
                                    Portfolio.effective_from == effective_from).order_by(col(Portfolio.id).desc())
        ).first()  # fmt: skip
        assert row is not None and row.id is not None
        doubt = row.source.removeprefix(TO_CONFIRM)
        values: dict[str, Any] = {
            "number": number,
            "capacity_per_referent": capacity,
            "source": f"{source.capitalize()} le {ctx.today():%d/%m/%Y} par {ctx.author} pour confirmer les moyens "
            f"que les documents contredisent ({doubt})",
        }  # fmt: skip
        old = {k: getattr(row, k) for k in values}
        result = s.execute(
            update(Portfolio).where(col(Portfolio.id) == row.id, col(Portfolio.version) == row.version)
            .values(**values, version=row.version + 1).execution_options(synchronize_session=False)
        )  # fmt: skip
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleDataError(
                "Ces moyens viennent d'être modifiés ailleurs : rechargez et recommencez."
            )
        label = f"{bassin_name} / {org}"
        op.extend(journal.FieldChange("portfolio", row.id, label, k, old[k], v)
                  for k, v in values.items() if old[k] != v)  # fmt: skip
    return PortfolioRef(
        bassin_id, org, ORGANISMES[org][1], number, capacity, effective_from, values["source"]
    )


# -- écriture ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FlowChange:
    bassin_id: int
    month: date
    indicator: str
    value: float | None
    expected_version: int | None = None
    #: qui l'a saisie et quand (fusion d'un paquet d'atelier) ; vide : l'auteur de l'opération, maintenant
    author: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class Written:
    """Une valeur écrite : à journaliser par l'appelant (``op.change`` ou ``op.record_as``)."""

    change: FlowChange
    row_id: int
    label: str
    old: float | None


def _current(s: Session, bassin_id: int, month: date) -> dict[str, FlowValue]:
    return {
        v.indicator: v
        for v in s.exec(
            select(FlowValue).where(FlowValue.bassin_id == bassin_id, FlowValue.month == month)
        ).all()
    }


def write_changes(ctx: AppContext, changes: list[FlowChange], *, label: str, source: str = "gui",
                  author: str | None = None, record_undo: bool = True) -> str | None:  # fmt: skip
    """Écrit des valeurs (une transaction, une opération journalisée, annulable) ; valide chaque mois
    touché avec ses autres valeurs. Lève ``ValidationError`` (tout refusé) ou ``StaleDataError``."""
    who = (author or "").strip() or ctx.author
    refs = {b.id: b for b in bassins(ctx)}
    out = ops.Outcome()
    with ops.operation(
        ctx, label, author=who, source=source, record_undo=record_undo, outcome=out
    ) as op:
        for w in write_in(op.session, changes, refs=refs, who=who, now=utcnow()):
            op.change("flow_value", w.row_id, w.label, "value", w.old, w.change.value)
    assert out.changes is not None
    return out.changes.operation_id


def write_in(s: Session, changes: list[FlowChange], *, refs: dict[int, BassinRef], who: str, now: datetime,
             refused: str = "Valeurs refusées, rien n'a été enregistré") -> list[Written]:  # fmt: skip
    """Valide puis écrit ``changes`` dans la transaction ``s`` d'une opération en cours (la saisie,
    l'import, la fusion d'un paquet d'atelier) ; l'appelant journalise ce qui est renvoyé. Chaque
    mois touché est validé avec ses autres valeurs ; une erreur : ``ValidationError`` (``refused``
    suivi des erreurs situées), et l'opération n'écrit rien."""
    touched: dict[tuple[int, date], dict[str, FlowChange]] = {}
    for ch in changes:
        if ch.indicator not in BY_CODE:
            raise ValidationError(f"Indicateur « {ch.indicator} » inconnu.")
        if ch.bassin_id not in refs:
            raise ValidationError(f"Bassin n°{ch.bassin_id} inconnu ou archivé.")
        touched.setdefault((ch.bassin_id, ch.month.replace(day=1)), {})[ch.indicator] = ch
    errors: list[FlowError] = []
    currents = {}
    for (bassin_id, month), wanted in touched.items():
        current = _current(s, bassin_id, month)
        currents[(bassin_id, month)] = current
        merged = {k: v.value for k, v in current.items()}
        merged.update({k: ch.value for k, ch in wanted.items()})
        errors += check_month(refs[bassin_id].name, month, merged)
    if errors:
        shown = "\n".join(f"- {e}" for e in errors[:15])
        more = f"\n… et {len(errors) - 15} autre(s)." if len(errors) > 15 else ""
        raise ValidationError(f"{refused} :\n{shown}{more}")
    written: list[Written] = []
    for (bassin_id, month), wanted in touched.items():
        current = currents[(bassin_id, month)]
        for code, ch in wanted.items():
            row = current.get(code)
            by, at = ch.author or who, ch.at or now
            label_cell = f"{refs[bassin_id].name} / {format_month(month)} / {BY_CODE[code].short}"
            if row is None:
                if ch.value is None:
                    continue
                row = FlowValue(bassin_id=bassin_id, month=month, indicator=code, value=None, updated_at=at,
                                updated_by=by)  # fmt: skip
                s.add(row)
                s.flush()
                assert row.id is not None
                old = None
            else:
                if ch.expected_version is not None and row.version != ch.expected_version:
                    raise StaleDataError(
                        f"{label_cell} a été modifié par {row.updated_by or 'un autre utilisateur'} depuis votre "
                        "lecture : rechargez avant de modifier."
                    )
                if row.value == ch.value:
                    continue
                old = row.value
            assert row.id is not None
            result = s.execute(
                update(FlowValue)
                .where(col(FlowValue.id) == row.id, col(FlowValue.version) == row.version)
                .values(value=ch.value, version=row.version + 1, updated_at=at, updated_by=by)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise StaleDataError(
                    f"{label_cell} vient d'être modifié ailleurs : rechargez et recommencez."
                )
            written.append(Written(ch, row.id, label_cell, old))
    return written


def set_month(
    ctx: AppContext, bassin: str | int, month: date, values: dict[str, Any], **kw: Any
) -> str | None:
    ref = find_bassin(bassins(ctx), bassin)
    changes = [
        FlowChange(ref.id, month.replace(day=1), code, None if v is None else float(v))
        for code, v in values.items()
    ]
    return write_changes(ctx, changes, label=f"Flux {ref.name} – {format_month(month)}", **kw)
