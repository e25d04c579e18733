"""Séries mensuelles des flux, cibles en vigueur, portefeuilles et charge par référent (lecture).

Lues par le tableau de bord dès l'ouverture : écrites sur les tables légères de ``db.read_tables``,
sans les classes ORM. Les écritures (valeurs, cibles, moyens) sont dans ``flows.service``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from db.read_tables import BASSIN, FLOW_TARGET, FLOW_VALUE, PORTFOLIO
from roadmap_app.core.context import AppContext
from roadmap_app.flows.catalogue import BY_CODE, INDICATORS
from roadmap_app.plan.read import BassinRef, find_bassin


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
    operation: str | None = field(default=None, compare=False)  # écriture : opération du journal


#: Début de la source de moyens que les documents contredisent : la charge par référent calculée
#: avec eux est signalée jusqu'à ce qu'un utilisateur les confirme ou les corrige.
TO_CONFIRM = "À confirmer : "


@dataclass(frozen=True)
class PortfolioRef:
    bassin_id: int
    organisme: str
    unit: str
    number: float
    capacity: int
    effective_from: date
    source: str = ""

    @property
    def doubt(self) -> str:
        """Pourquoi ces moyens sont à confirmer (documents contradictoires, avec les lignes) ; vide
        s'ils ont été saisis ou confirmés."""
        return self.source.removeprefix(TO_CONFIRM) if self.source.startswith(TO_CONFIRM) else ""


def bassins(ctx: AppContext) -> list[BassinRef]:
    b = BASSIN.c
    with ctx.store.session() as s:
        return [
            BassinRef(b_id, code, name)
            for b_id, code, name in s.execute(
                select(b.id, b.code, b.name).where(b.archived.is_(False)).order_by(b.position)
            )
        ]


#: Colonnes lues sans créer d'objets ORM (dix ans de séries à 100× : 18 000 valeurs).
_V = FLOW_VALUE.c
_CELL_COLUMNS = (_V.bassin_id, _V.month, _V.indicator, _V.id, _V.value, _V.version, _V.updated_by,
                 _V.updated_at)  # fmt: skip


def _fill(
    s: Session,
    out: dict[int, BassinSeries],
    bassin_id: int | None = None,
    since: date | None = None,
) -> None:
    query = select(*_CELL_COLUMNS)
    if bassin_id is not None:
        query = query.where(_V.bassin_id == bassin_id)
    if since is not None:
        query = query.where(_V.month >= since)
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
            select(_V.bassin_id, func.max(_V.month)).group_by(_V.bassin_id)
        )]  # fmt: skip
    return date(min(lasts).year - 1, 1, 1) if lasts else None


def load_targets(ctx: AppContext) -> list[Target]:
    t = FLOW_TARGET.c
    columns = (t.indicator, t.bassin_id, t.kind, t.value, t.effective_from, t.label, t.source)
    with ctx.store.session() as s:
        query = select(*columns).where(t.value.is_not(None)).order_by(t.effective_from)
        return [Target(*row) for row in s.execute(query)]


def target_for(
    targets: Iterable[Target],
    indicator: str,
    bassin_id: int | None,
    month: date,
    kind: str | tuple[str, ...] | None = None,
) -> Target | None:
    """Cible en vigueur pour ce mois : la plus récente déjà entrée en vigueur ; celle du bassin prime.

    ``kind`` : une sorte de cible, ou plusieurs (tuple)."""
    kinds = (kind,) if isinstance(kind, str) else kind
    best: Target | None = None
    for t in targets:
        if (
            t.indicator != indicator
            or (kinds is not None and t.kind not in kinds)
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


#: Cibles d'entrants : une moyenne mensuelle (« 426 soit une cible de 36 ARSA par mois en
#: moyenne ») ; un mois sous la moyenne n'est pas un échec, la cible se juge sur le cumul des mois
#: qu'elle couvre. « monthly_min » (nom d'avant la relecture des documents) se lit de même.
ENTRANTS_KINDS = ("monthly_average", "monthly_min")


def entrants_target(targets: Iterable[Target], bassin_id: int | None, month: date) -> Target | None:
    """Moyenne mensuelle d'entrants visée en vigueur ce mois-là."""
    return target_for(targets, "entrants", bassin_id, month, ENTRANTS_KINDS)


def month_range(start: date, end: date) -> list[date]:
    months, m = [], start.replace(day=1)
    while m <= end:
        months.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return months


@dataclass(frozen=True)
class YearToDate:
    """Entrants cumulés sur l'année et objectif des mêmes mois (somme des moyennes mensuelles)."""

    actual: float
    target: float | None
    first: date
    last: date

    @property
    def months(self) -> int:
        return len(month_range(self.first, self.last))

    @property
    def below(self) -> bool:
        return self.target is not None and self.actual < self.target


def cumulative(series: BassinSeries, targets: list[Target], last: date) -> YearToDate:
    """Entrants de l'année de ``last`` jusqu'à ce mois, face à l'objectif cumulé des mêmes mois.

    Quand une moyenne visée est en vigueur, le cumul part du premier mois qu'elle couvre (juillet
    2024 pour la feuille de route) : entrants et objectif portent toujours sur les mêmes mois."""
    last = last.replace(day=1)
    months = month_range(date(last.year, 1, 1), last)
    monthly = {m: entrants_target(targets, series.bassin.id, m) for m in months}
    covered = [m for m in months if monthly[m] is not None]
    if covered:
        months = month_range(covered[0], last)
    actual = sum(series.value(m, "entrants") or 0 for m in months)
    target = sum(t.value for m in months if (t := monthly[m]) is not None)
    return YearToDate(actual, target if covered else None, months[0], last)


def load_portfolios(ctx: AppContext) -> list[PortfolioRef]:
    p = PORTFOLIO.c
    columns = (
        p.bassin_id,
        p.organisme,
        p.unit,
        p.number,
        p.capacity_per_referent,
        p.effective_from,
        p.source,
    )
    with ctx.store.session() as s:
        return [
            PortfolioRef(*row) for row in s.execute(select(*columns).order_by(p.effective_from))
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


def doubt_for(
    portfolios: Iterable[PortfolioRef], bassin_id: int, organisme: str, month: date
) -> str:
    """Les moyens en vigueur ce mois-là sont-ils à confirmer ? La raison, sinon ''."""
    p = portfolio_for(portfolios, bassin_id, organisme, month)
    return "" if p is None else p.doubt


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
