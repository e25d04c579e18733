"""Lecture et écriture des flux mensuels ; cibles en vigueur ; portefeuilles et charge par référent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.errors import StaleDataError
from db.models import Bassin, FlowTarget, FlowValue, Portfolio
from db.types import utcnow
from roadmap_app.errors import ValidationError
from roadmap_app.flows.catalogue import BY_CODE, INDICATORS
from roadmap_app.flows.validation import FlowError, check_month
from roadmap_app.rules.dates import format_month
from roadmap_app.services import journal
from roadmap_app.services.context import AppContext
from roadmap_app.services.plan import BassinRef, find_bassin


@dataclass(frozen=True)
class FlowCell:
    id: int
    value: float | None
    version: int
    updated_by: str
    updated_at: datetime | None


@dataclass
class BassinSeries:
    bassin: BassinRef
    cells: dict[tuple[date, str], FlowCell] = field(default_factory=dict)

    @property
    def months(self) -> list[date]:
        return sorted({m for m, _c in self.cells if self.cells[(m, _c)].value is not None})

    def value(self, month: date, code: str) -> float | None:
        cell = self.cells.get((month, code))
        return None if cell is None else cell.value

    def series(self, code: str) -> list[tuple[date, float]]:
        return sorted(
            (m, c.value) for (m, k), c in self.cells.items() if k == code and c.value is not None
        )

    def month_values(self, month: date) -> dict[str, float | None]:
        return {k: c.value for (m, k), c in self.cells.items() if m == month}


@dataclass(frozen=True)
class Target:
    indicator: str
    bassin_id: int | None
    kind: str
    value: float
    effective_from: date
    label: str
    source: str


@dataclass(frozen=True)
class PortfolioRef:
    bassin_id: int
    organisme: str
    unit: str
    number: float
    capacity: int
    effective_from: date


def bassins(ctx: AppContext) -> list[BassinRef]:
    with ctx.store.session() as s:
        return [
            BassinRef(b.id, b.code, b.name)  # type: ignore[arg-type]
            for b in s.exec(
                select(Bassin).where(col(Bassin.archived).is_(False)).order_by(col(Bassin.position))
            ).all()
        ]


#: Colonnes lues sans créer d'objets ORM (dix ans de séries à 100× : 18 000 valeurs).
_CELL_COLUMNS = (
    col(FlowValue.bassin_id), col(FlowValue.month), col(FlowValue.indicator), col(FlowValue.id),
    col(FlowValue.value), col(FlowValue.version), col(FlowValue.updated_by), col(FlowValue.updated_at),
)  # fmt: skip


def _fill(
    s: Session,
    out: dict[int, BassinSeries],
    bassin_id: int | None = None,
    since: date | None = None,
) -> None:
    query = sa_select(*_CELL_COLUMNS)
    if bassin_id is not None:
        query = query.where(col(FlowValue.bassin_id) == bassin_id)
    if since is not None:
        query = query.where(col(FlowValue.month) >= since)
    for b_id, month, indicator, vid, value, version, by, at in s.execute(query):
        series = out.get(b_id)
        if series is not None:
            series.cells[(month, indicator)] = FlowCell(vid, value, version, by, at)


def load_series(ctx: AppContext, bassin: str | int) -> BassinSeries:
    ref = find_bassin(bassins(ctx), bassin)
    out = {ref.id: BassinSeries(ref)}
    with ctx.store.session() as s:
        _fill(s, out, ref.id)
    return out[ref.id]


def load_all_series(ctx: AppContext, since: date | None = None) -> dict[int, BassinSeries]:
    """Séries de tous les bassins ; ``since`` : seulement les mois à partir de cette date."""
    out = {b.id: BassinSeries(b) for b in bassins(ctx)}
    with ctx.store.session() as s:
        _fill(s, out, since=since)
    return out


def recent_start(ctx: AppContext) -> date | None:
    """1er janvier de l'année précédant le dernier mois saisi le plus ancien des bassins : assez
    pour le cumul de l'année et les derniers mois de chaque bassin (tableau de bord), sans relire
    dix ans d'historique. ``None`` : aucune valeur saisie."""
    with ctx.store.session() as s:
        lasts = [m for _b, m in s.execute(
            sa_select(col(FlowValue.bassin_id), func.max(col(FlowValue.month))).group_by(col(FlowValue.bassin_id))
        )]  # fmt: skip
    return date(min(lasts).year - 1, 1, 1) if lasts else None


def load_targets(ctx: AppContext) -> list[Target]:
    with ctx.store.session() as s:
        return [
            Target(t.indicator, t.bassin_id, t.kind, t.value, t.effective_from, t.label, t.source)
            for t in s.exec(select(FlowTarget).order_by(col(FlowTarget.effective_from))).all()
        ]


def target_for(
    targets: Iterable[Target],
    indicator: str,
    bassin_id: int | None,
    month: date,
    kind: str | None = None,
) -> Target | None:
    """Cible en vigueur pour ce mois : la plus récente déjà entrée en vigueur ; celle du bassin prime."""
    best: Target | None = None
    for t in targets:
        if (
            t.indicator != indicator
            or (kind is not None and t.kind != kind)
            or t.effective_from > month
        ):
            continue
        if t.bassin_id not in (None, bassin_id):
            continue
        if best is None or (t.bassin_id is not None, t.effective_from) >= (
            best.bassin_id is not None,
            best.effective_from,
        ):
            best = t
    return best


#: Sortes de cibles : au moins N par mois, au moins N % du total, tendance de N %, au plus N, au moins N.
TARGET_KINDS = {
    "monthly_min": "au moins N par mois",
    "share_min": "au moins N % du total",
    "share_target": "tendance attendue : N % du total",
    "max": "au plus N",
    "min": "au moins N",
}


def add_target(ctx: AppContext, indicator: str, value: float, effective_from: date, *, kind: str,
               bassin: str | int | None = None, label: str = "", source: str = "saisie") -> Target:  # fmt: skip
    """Nouvelle cible à partir d'une date : les mois antérieurs gardent la cible d'alors."""
    if indicator not in BY_CODE and indicator != "charge_referent":
        raise ValidationError(f"Indicateur « {indicator} » inconnu.")
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
    with ctx.store.transaction() as s:
        row = FlowTarget(indicator=indicator, bassin_id=bassin_id, kind=kind, value=float(value),
                         effective_from=effective_from, label=label, source=source)  # fmt: skip
        s.add(row)
        s.flush()
        assert row.id is not None
        journal.record(s, [journal.FieldChange("flow_target", row.id, label or indicator, "value", None, float(value))],
                       author=ctx.author, label=f"Nouvelle cible « {indicator} » à partir du {effective_from:%d/%m/%Y}",
                       source="gui")  # fmt: skip
    return Target(indicator, bassin_id, kind, float(value), effective_from, label, source)


ORGANISMES = {"FT": ("France Travail", "portefeuilles"), "CD": ("délégués du Département", "ETP")}


def set_portfolio(ctx: AppContext, bassin: str | int, organisme: str, number: float, effective_from: date,
                  *, capacity: int = 70, source: str = "saisie") -> PortfolioRef:  # fmt: skip
    """Moyens d'un bassin à partir d'une date (portefeuilles France Travail ou ETP de délégués du
    Département) : la charge des mois antérieurs reste calculée avec les moyens d'alors."""
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
    if any(
        (p.bassin_id, p.organisme, p.effective_from) == (ref.id, org, effective_from)
        for p in load_portfolios(ctx)
    ):
        raise ValidationError(
            f"Les moyens {ORGANISMES[org][0]} du bassin {ref.name} au {effective_from:%d/%m/%Y} sont déjà "
            "enregistrés : choisissez une autre date d'effet."
        )
    unit = ORGANISMES[org][1]
    with ctx.store.transaction() as s:
        row = Portfolio(bassin_id=ref.id, organisme=org, unit=unit, number=float(number),
                        capacity_per_referent=capacity, effective_from=effective_from, source=source)  # fmt: skip
        s.add(row)
        s.flush()
        assert row.id is not None
        journal.record(s, [journal.FieldChange("portfolio", row.id, f"{ref.name} / {org}", "number", None, float(number))],
                       author=ctx.author, source="gui",
                       label=f"Moyens {ORGANISMES[org][0]} du bassin {ref.name} à partir du {effective_from:%d/%m/%Y}")  # fmt: skip
    return PortfolioRef(ref.id, org, unit, float(number), capacity, effective_from)


def load_portfolios(ctx: AppContext) -> list[PortfolioRef]:
    with ctx.store.session() as s:
        return [
            PortfolioRef(
                p.bassin_id,
                p.organisme,
                p.unit,
                p.number,
                p.capacity_per_referent,
                p.effective_from,
            )
            for p in s.exec(select(Portfolio).order_by(col(Portfolio.effective_from))).all()
        ]


def portfolio_for(
    portfolios: Iterable[PortfolioRef], bassin_id: int, organisme: str, month: date
) -> PortfolioRef | None:
    found = [
        p
        for p in portfolios
        if p.bassin_id == bassin_id and p.organisme == organisme and p.effective_from <= month
    ]
    return found[-1] if found else None


def load_per_referent(
    series: BassinSeries, portfolios: list[PortfolioRef], month: date, organisme: str
) -> float | None:
    """ARSA suivis ÷ nombre de portefeuilles (FT) ou d'ETP (délégués CD) en vigueur ce mois."""
    code = "suivis_ft" if organisme == "FT" else "suivis_cd"
    followed = series.value(month, code)
    p = portfolio_for(portfolios, series.bassin.id, organisme, month)
    if followed is None or p is None or p.number <= 0:
        return None
    return followed / p.number


# -- écriture ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FlowChange:
    bassin_id: int
    month: date
    indicator: str
    value: float | None
    expected_version: int | None = None


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
    now = utcnow()
    field_changes: list[journal.FieldChange] = []
    with ctx.store.transaction() as s:
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
            raise ValidationError(f"Valeurs refusées, rien n'a été enregistré :\n{shown}{more}")
        for (bassin_id, month), wanted in touched.items():
            current = currents[(bassin_id, month)]
            for code, ch in wanted.items():
                row = current.get(code)
                label_cell = (
                    f"{refs[bassin_id].name} / {format_month(month)} / {BY_CODE[code].short}"
                )
                if row is None:
                    if ch.value is None:
                        continue
                    row = FlowValue(
                        bassin_id=bassin_id,
                        month=month,
                        indicator=code,
                        value=None,
                        updated_at=now,
                        updated_by=who,
                    )
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
                    .values(value=ch.value, version=row.version + 1, updated_at=now, updated_by=who)
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount != 1:  # type: ignore[attr-defined]
                    raise StaleDataError(
                        f"{label_cell} vient d'être modifié ailleurs : rechargez et recommencez."
                    )
                field_changes.append(
                    journal.FieldChange("flow_value", row.id, label_cell, "value", old, ch.value)
                )
        if not field_changes:
            return None
        op = journal.record(s, field_changes, author=who, label=label, source=source)
    if record_undo:
        ctx.undo.push(op, label)
    return op


def set_month(
    ctx: AppContext, bassin: str | int, month: date, values: dict[str, Any], **kw: Any
) -> str | None:
    ref = find_bassin(bassins(ctx), bassin)
    changes = [
        FlowChange(ref.id, month.replace(day=1), code, None if v is None else float(v))
        for code, v in values.items()
    ]
    return write_changes(ctx, changes, label=f"Flux {ref.name} – {format_month(month)}", **kw)


def list_rows(ctx: AppContext, bassin: str | int | None = None) -> list[dict[str, Any]]:
    """Une ligne par bassin, mois et indicateur renseigné (format « long »)."""
    all_series = load_all_series(ctx)
    if bassin is not None:
        ref = find_bassin([s.bassin for s in all_series.values()], bassin)
        all_series = {ref.id: all_series[ref.id]}
    rows = []
    order = {ind.code: i for i, ind in enumerate(INDICATORS)}
    for series in all_series.values():
        for (month, code), cell in sorted(
            series.cells.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 99))
        ):
            if cell.value is None:
                continue
            rows.append({"bassin": series.bassin.name, "mois": month.isoformat()[:7], "indicateur": code,
                         "libelle": BY_CODE[code].label if code in BY_CODE else code, "valeur": cell.value})  # fmt: skip
    return rows
