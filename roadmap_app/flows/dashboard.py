"""Données du tableau de bord : par bassin, les flux face aux cibles, la charge et l'état du plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from db.read_tables import KEY_DATE, REFERENCE_FIGURE
from roadmap_app.core.bulk import paused_gc
from roadmap_app.core.context import AppContext
from roadmap_app.core.deadlines import Deadline, bilan_deadlines
from roadmap_app.flows.chart_data import YearToDate, ytd
from roadmap_app.flows.data import from_store
from roadmap_app.flows.series import (
    doubt_for,
    entrants_target,
    load_per_referent,
    recent_start,
    target_for,
)
from roadmap_app.plan.read import ActionRow, BassinRef, load_plan

UPCOMING_DAYS = 30


@dataclass
class BassinCard:
    bassin: BassinRef
    year: YearToDate | None = None
    last_month: date | None = None
    share_15j: float | None = None
    share_15j_target: float | None = None
    load_ft: float | None = None
    load_cd: float | None = None
    load_cap: float | None = None
    #: ETP de délégués en vigueur à confirmer (documents contradictoires) : la raison, sinon ''
    cd_doubt: str = ""
    reference_flux: float | None = None
    monthly_target: float | None = None
    realise: int = 0
    en_cours: int = 0
    en_retard: int = 0
    actions: int = 0

    @property
    def overloaded(self) -> bool:
        cap = self.load_cap
        return cap is not None and any(
            v is not None and v > cap for v in (self.load_ft, self.load_cd)
        )


@dataclass
class DashboardData:
    today: date
    cards: list[BassinCard] = field(default_factory=list)
    upcoming: list[tuple[ActionRow, int]] = field(default_factory=list)
    overdue: list[tuple[ActionRow, list[str]]] = field(default_factory=list)
    dates: list[Deadline] = field(default_factory=list)


@paused_gc()
def dashboard_data(ctx: AppContext) -> DashboardData:
    today = ctx.today()
    plan = load_plan(ctx)
    flows = from_store(ctx, recent_start(ctx))  # l'année en cours et la précédente suffisent
    series, targets, portfolios = flows.series, flows.targets, flows.portfolios
    data = DashboardData(today)
    r, k = REFERENCE_FIGURE.c, KEY_DATE.c
    with ctx.store.session() as s:
        figures = {(b_id, key): value for b_id, key, value in s.execute(
            select(r.bassin_id, r.key, r.value).order_by(r.as_of, r.id)
        )}  # fmt: skip
        volet3 = s.execute(select(k.label, k.end_date).where(k.key == "periode_volet_3")).first()
    for b in plan.bassins:
        card = BassinCard(b, reference_flux=figures.get((b.id, "brsa_entrants_flux")))
        bs = series.get(b.id)
        t = entrants_target(targets, b.id, today.replace(day=1))
        card.monthly_target = t.value if t else figures.get((b.id, "cible_mensuelle_entrants"))
        if bs is not None and bs.months:
            card.year = ytd(bs, targets, today)
            card.last_month = max(bs.months)
            with_15 = [
                m
                for m in bs.months
                if bs.value(m, "orientes_15j") is not None and bs.value(m, "orientes")
            ]
            if with_15:
                m = max(with_15)
                card.share_15j = (
                    100 * (bs.value(m, "orientes_15j") or 0) / (bs.value(m, "orientes") or 1)
                )
                t15 = target_for(targets, "orientes_15j", b.id, m)
                card.share_15j_target = t15.value if t15 else None
            loads = [
                m
                for m in bs.months
                if bs.value(m, "suivis_ft") is not None or bs.value(m, "suivis_cd") is not None
            ]
            if loads:
                m = max(loads)
                card.load_ft = load_per_referent(bs, portfolios, m, "FT")
                card.load_cd = load_per_referent(bs, portfolios, m, "CD")
                card.cd_doubt = (
                    doubt_for(portfolios, b.id, "CD", m) if card.load_cd is not None else ""
                )
                cap = target_for(targets, "charge_referent", b.id, m, "max")
                card.load_cap = cap.value if cap else None
        for a in plan.actions():
            cell = a.statuses.get(b.id)
            if cell is None:
                continue
            card.actions += 1
            card.realise += cell.status == "realise"
            card.en_cours += cell.status == "en_cours"
            card.en_retard += cell.overdue
        data.cards.append(card)
    horizon = today + timedelta(days=UPCOMING_DAYS)
    names = {b.id: b.name for b in plan.bassins}
    for a in plan.actions():
        end = a.echeance.end
        open_cells = [c for c in a.statuses.values() if not c.closed]
        if end is not None and today <= end <= horizon and open_cells:
            data.upcoming.append((a, (end - today).days))
        late = [names[c.bassin_id] for c in a.statuses.values() if c.overdue]
        if late:
            data.overdue.append((a, late))
    data.upcoming.sort(key=lambda x: x[1])
    dates = list(bilan_deadlines(ctx, today))
    if volet3 is not None and volet3.end_date is not None:
        dates.append(Deadline("fin_volet_3", "Fin du volet 3 (expérimentation)", volet3.end_date, volet3.label,
                              (volet3.end_date - today).days))  # fmt: skip
    data.dates = sorted(dates, key=lambda d: d.date)
    return data
