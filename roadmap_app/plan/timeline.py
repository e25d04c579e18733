"""Échéancier : le plan sur une ligne de temps (modèle de lecture, sans Qt).

Pour chaque action, groupée par axe et cible : l'échéance telle qu'écrite, ses dates et sa
précision (``core.echeance``) — un jour est un jalon, un mois, un trimestre, un semestre ou une
année une période —, le statut par bassin et le retard. Une action sans échéance ou à l'échéance
illisible va dans le groupe « Sans date » (jamais écartée). Les dates clés : aujourd'hui, la fin du
volet 3, les remises de bilan (``core.deadlines``) et les comités (instantanés).

Référence (« baseline ») : l'échéance de chaque action telle que figée par un instantané de comité,
avec le glissement en jours (même calcul que la comparaison de comités, ``committees.diff``).

La même construction sert à l'état courant (``load_timeline``) et à un état figé
(``timeline_from_state``, pour le pack de comité tiré d'un instantané).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from db.models.enums import EcheancePrecision
from roadmap_app.core.context import AppContext
from roadmap_app.core.echeance import Echeance
from roadmap_app.core.formatting import plural
from roadmap_app.plan.filters import ActionFilter
from roadmap_app.plan.read import ActionRow, BassinRef, PlanView, RoadmapRef

#: Période du volet 3 (avenant n°1, article 2.1 de la convention) quand la base n'a pas la date clé.
VOLET3_START = date(2024, 7, 1)
VOLET3_END = date(2025, 12, 31)
VOLET3_KEY = "periode_volet_3"
BILAN_KEYS = ("bilan_intermediaire", "bilan_final")
NO_DATE = "Sans date"

#: Nature des dates clés (lignes verticales de l'échéancier, événements du calendrier).
TODAY, VOLET3, BILAN, COMMITTEE, CONVENTION = "today", "volet3", "bilan", "committee", "convention"


@dataclass(frozen=True)
class KeyDate:
    key: str
    label: str
    date: date
    kind: str  # TODAY, VOLET3, BILAN, COMMITTEE, CONVENTION

    @property
    def short(self) -> str:
        """Libellé court, au pied des lignes verticales (le libellé entier en infobulle)."""
        if self.kind == TODAY:
            return "Aujourd'hui"
        if self.kind == VOLET3:
            return "Fin volet 3"
        if self.kind == BILAN:
            return "Bilan final" if "final" in self.key else "Bilan interm."
        if self.kind == COMMITTEE:  # « COPIL « COPIL de mars » » → le nom de l'instantané
            name = self.label.partition("« ")[2].rpartition(" »")[0] or self.label
            return name if len(name) <= 18 else name[:17] + "…"
        return self.label[:14]


@dataclass(frozen=True)
class Baseline:
    """Échéance d'une action à la date d'un comité (instantané)."""

    label: str
    start: date | None
    end: date | None
    slip_days: int | None  # positif : l'échéance a reculé depuis le comité


@dataclass(slots=True)
class TimelineItem:
    action: ActionRow
    baseline: Baseline | None = None
    #: l'action n'existait pas (ou plus sous ce code) dans l'instantané de référence
    new_since_baseline: bool = False

    @property
    def echeance(self) -> Echeance:
        return self.action.echeance

    @property
    def start(self) -> date | None:
        return self.action.echeance.start

    @property
    def end(self) -> date | None:
        return self.action.echeance.end

    @property
    def dated(self) -> bool:
        e = self.action.echeance
        return e.start is not None and e.end is not None

    @property
    def milestone(self) -> bool:
        """Une échéance au jour est un jalon ; mois, trimestre, semestre, année : une période."""
        return self.action.echeance.precision is EcheancePrecision.DAY

    @property
    def precision_label(self) -> str:
        p = self.action.echeance.precision
        return "" if p is None else PRECISION_LABELS[p]

    def status(self, bassin_id: int) -> str | None:
        cell = self.action.statuses.get(bassin_id)
        return None if cell is None else cell.status

    def late(self, bassin_ids: frozenset[int] | None = None) -> bool:
        return self.action.overdue(bassin_ids)

    @property
    def slip_days(self) -> int | None:
        return None if self.baseline is None else self.baseline.slip_days


PRECISION_LABELS = {
    EcheancePrecision.DAY: "jour",
    EcheancePrecision.MONTH: "mois",
    EcheancePrecision.QUARTER: "trimestre",
    EcheancePrecision.SEMESTER: "semestre",
    EcheancePrecision.YEAR: "année",
}


@dataclass
class TimelineGroup:
    axe_id: int
    axe_code: str
    axe_title: str
    cible_id: int
    cible_code: str
    cible_title: str
    items: list[TimelineItem] = field(default_factory=list)


@dataclass(frozen=True)
class TimelineRow:
    """Une ligne de l'échéancier : en-tête d'axe, en-tête de cible, action, ou « Sans date »."""

    kind: str  # "axe", "cible", "nodate", "action"
    text: str
    item: TimelineItem | None = None


@dataclass
class Timeline:
    roadmap: RoadmapRef
    bassins: list[BassinRef]
    groups: list[TimelineGroup]
    undated: list[TimelineItem]
    key_dates: list[KeyDate]
    today: date
    start: date
    end: date
    baseline_name: str | None = None
    plan: PlanView | None = None

    def items(self) -> Iterator[TimelineItem]:
        for g in self.groups:
            yield from g.items
        yield from self.undated

    def item(self, code: str) -> TimelineItem:
        for it in self.items():
            if it.action.code == code:
                return it
        raise KeyError(code)

    def rows(self, flt: ActionFilter | None = None) -> list[TimelineRow]:
        """Lignes affichées, filtrées comme la Feuille de route (axe, cible et « Sans date » en
        en-têtes ; un en-tête sans action retenue n'est pas montré)."""
        terms = None if flt is None else flt.terms
        ok = (lambda it: True) if flt is None else (
            lambda it: flt.matches(it.action, self.today, terms)
        )  # fmt: skip
        rows: list[TimelineRow] = []
        axe_shown: int | None = None
        for g in self.groups:
            kept = [it for it in g.items if ok(it)]
            if not kept:
                continue
            if axe_shown != g.axe_id:
                rows.append(TimelineRow("axe", f"{g.axe_code} – {g.axe_title}"))
                axe_shown = g.axe_id
            rows.append(TimelineRow("cible", f"{g.cible_code} – {g.cible_title}"))
            rows.extend(TimelineRow("action", it.action.code, it) for it in kept)
        kept = [it for it in self.undated if ok(it)]
        if kept:
            rows.append(
                TimelineRow("nodate", f"{NO_DATE} (échéance absente ou illisible) : {len(kept)}")
            )
            rows.extend(TimelineRow("action", it.action.code, it) for it in kept)
        return rows

    def lines(self) -> list[KeyDate]:
        """Dates clés à tracer (dans l'étendue de l'axe du temps) : aujourd'hui, fin du volet 3,
        bilans, comités (les délibérations de la convention vont seulement au calendrier)."""
        kinds = (TODAY, VOLET3, BILAN, COMMITTEE)
        return [k for k in self.key_dates if k.kind in kinds and self.start <= k.date <= self.end]


# -- construction ------------------------------------------------------------------------------


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _month_end(d: date) -> date:
    nxt = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def baselines_from_state(state: dict[str, Any]) -> dict[str, Baseline]:
    """Code d'action → échéance à la date de l'instantané (glissement encore inconnu)."""
    found: dict[str, Baseline] = {}
    for axe in state["plan"]["axes"]:
        for cible in axe["cibles"]:
            for a in cible["actions"]:
                e = a["echeance"]
                found[a["code"]] = Baseline(e["label"] or "", _d(e["start"]), _d(e["end"]), None)
    return found


def _d(text: str | None) -> date | None:
    return None if not text else date.fromisoformat(text)


def build_timeline(
    plan: PlanView,
    key_dates: Iterable[KeyDate] = (),
    baseline: dict[str, Baseline] | None = None,
    baseline_name: str | None = None,
) -> Timeline:
    """L'échéancier d'un plan (actions de travail : ni archivées ni sous un axe archivé)."""
    from roadmap_app.core.dates import slip_days

    groups: list[TimelineGroup] = []
    undated: list[TimelineItem] = []
    for axe in plan.axes:
        if axe.hidden:
            continue
        for cible in axe.cibles:
            if cible.hidden:
                continue
            group = TimelineGroup(axe.id, axe.code, axe.title, cible.id, cible.code, cible.title)
            for action in cible.actions:
                if action.hidden:
                    continue
                item = TimelineItem(action)
                if baseline is not None:
                    before = baseline.get(action.code)
                    if before is None:
                        item.new_since_baseline = True
                    else:
                        end = action.echeance.end
                        item.baseline = Baseline(
                            before.label, before.start, before.end,
                            slip_days(_iso(before.end), _iso(end)),
                        )  # fmt: skip
                if item.dated:
                    group.items.append(item)
                else:
                    undated.append(item)
            if group.items:
                groups.append(group)
    keys = sorted(key_dates, key=lambda k: (k.date, k.kind))
    if not any(k.kind == TODAY for k in keys):
        keys.append(KeyDate("today", "Aujourd'hui", plan.today, TODAY))
        keys.sort(key=lambda k: (k.date, k.kind))
    first = [date(plan.roadmap.year, 1, 1)]
    last = [VOLET3_END, plan.today]
    for g in groups:
        for it in g.items:
            assert it.start is not None and it.end is not None
            first.append(it.start)
            last.append(it.end)
            if it.baseline is not None and it.baseline.start and it.baseline.end:
                first.append(it.baseline.start)
                last.append(it.baseline.end)
    last += [k.date for k in keys if k.kind in (VOLET3, BILAN, COMMITTEE)]
    return Timeline(
        roadmap=plan.roadmap,
        bassins=list(plan.bassins),
        groups=groups,
        undated=undated,
        key_dates=keys,
        today=plan.today,
        start=_month_start(min(first)),
        end=_month_end(max(last)),
        baseline_name=baseline_name,
        plan=plan,
    )


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def convention_key_dates(rows: Iterable[tuple[str, str, date, date | None]]) -> list[KeyDate]:
    """Dates de la convention (clé, libellé, date, fin) → dates clés : la fin du volet 3, les
    bilans ; les autres (délibérations) gardées pour le calendrier."""
    found: list[KeyDate] = []
    volet3 = False
    for key, label, on, end in rows:
        if key == VOLET3_KEY:
            found.append(KeyDate(key, "Fin du volet 3", end or VOLET3_END, VOLET3))
            volet3 = True
        elif key in BILAN_KEYS:
            found.append(KeyDate(key, label, on, BILAN))
        elif end is None:
            found.append(KeyDate(key, label, on, CONVENTION))
    if not volet3:
        found.append(KeyDate(VOLET3_KEY, "Fin du volet 3", VOLET3_END, VOLET3))
    return found


def store_key_dates(ctx: AppContext) -> list[KeyDate]:
    from sqlalchemy import select

    from db.read_tables import KEY_DATE

    k = KEY_DATE.c
    with ctx.store.session() as s:
        rows = s.execute(select(k.key, k.label, k.date, k.end_date).order_by(k.date)).all()
    return convention_key_dates((r[0], r[1], r[2], r[3]) for r in rows)


def volet3_period(ctx: AppContext) -> tuple[date, date]:
    """Début et fin du volet 3 : la date clé de la convention enregistrée dans la base (un avenant
    la prolonge), sinon celles de l'avenant n°1 (01/07/2024 – 31/12/2025)."""
    from sqlalchemy import select

    from db.read_tables import KEY_DATE

    k = KEY_DATE.c
    with ctx.store.session() as s:
        row = s.execute(select(k.date, k.end_date).where(k.key == VOLET3_KEY)).first()
    if row is None:
        return VOLET3_START, VOLET3_END
    return row[0] or VOLET3_START, row[1] or VOLET3_END


# -- textes (infobulles de l'échéancier, descriptions du calendrier) ------------------------------


def status_lines(item: TimelineItem, bassins: Iterable[BassinRef]) -> list[str]:
    """« Lensois : ◐ En cours — en retard », une ligne par bassin concerné."""
    from roadmap_app.plan import statuses as status_rules

    lines = []
    for b in bassins:
        cell = item.action.statuses.get(b.id)
        if cell is None:
            continue
        st = status_rules.info(cell.status)
        progress = "" if cell.progress is None else f" ({cell.progress} %)"
        late = " — en retard" if cell.overdue else ""
        lines.append(f"{b.name} : {st.symbol} {st.label}{progress}{late}")
    return lines


def slip_text(days: int | None) -> str:
    if days is None:
        return "glissement inconnu (échéance sans date)"
    if days == 0:
        return "pas de glissement"
    if days > 0:
        return f"glissement de +{plural(days, 'jour', 'jours')} (reculée)"
    return f"avancée de {plural(-days, 'jour', 'jours')}"


def describe(item: TimelineItem, bassins: Iterable[BassinRef], baseline_name: str | None) -> str:
    """Infobulle d'une action : échéance écrite, dates, statut par bassin, glissement."""
    a = item.action
    e = a.echeance
    lines = [f"{a.code} — {a.intitule}"]
    lines.append(f"Échéance écrite : « {e.label} »" if e.label else "Échéance : non renseignée")
    if item.dated:
        lines.append(("Jalon — " if item.milestone else "Période — ") + e.describe())
    elif e.label:
        lines.append(e.describe())
    if a.pilotes_label:
        lines.append(f"Pilotes : {a.pilotes_label}")
    lines += status_lines(item, bassins)
    if baseline_name is not None:
        if item.new_since_baseline:
            lines.append(f"Absente de « {baseline_name} »")
        elif item.baseline is not None:
            b = item.baseline
            lines.append(
                f"Au comité « {baseline_name} » : « {b.label or 'sans échéance'} » — "
                f"{slip_text(b.slip_days)}"
            )
    return "\n".join(lines)
