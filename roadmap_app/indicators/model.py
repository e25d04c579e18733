"""Lecture des indicateurs de suivi : définitions, liens, cibles, valeurs et état par bassin.

Une seule notion d'indicateur : les 17 flux mensuels BRSA sont des définitions comme les autres
(``storage = "flux"``) ; leurs valeurs et cibles sont lues dans ``flow_value`` / ``flow_target``,
celles des autres dans ``indicator_value`` / ``indicator_target`` (voir docs/indicateurs.md).
Lectures en tuples bruts (pas d'objets ORM) : le panneau de détail se met à jour en quelques ms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select, text
from sqlmodel import Session

from db.read_tables import FLOW_TARGET, FLOW_VALUE
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import NotFoundError
from roadmap_app.core.text import fold

UNITS = ("nombre", "%", "jours", "heures", "€")
DIRECTIONS = {"up": "plus haut, mieux", "down": "plus bas, mieux"}
FREQUENCIES = {"month": "mensuelle", "quarter": "trimestrielle", "year": "annuelle", "free": "dates libres"}
SCOPES = {"bassin": "par bassin", "plan": "tout le plan"}
PROVENANCES = {"tdb": "TDB national", "cd": "CD", "ft": "FT", "autre": "autre"}
LINK_KINDS = {"tdb": "TDB national", "autre": "Autres"}
#: Indicateurs nationaux de l'annexe 4 qui mesurent exactement un flux mensuel BRSA (même
#: définition, unité, sens et fréquence) : fondus dans ce flux, une seule série (migration 0016,
#: ``db/seed/indicators.py`` ; vérifié identique à ``resources/seed/indicateurs.json``). Leur
#: code reste une clé reconnue (liens, saisies, imports, anciens instantanés et paquets) ; leur
#: ligne nationale est archivée. M1a (parmi les inscrits « déploiements France Travail »),
#: M3 (répartition en %) et R2 (taux annuel) ne sont pas la même mesure que leur flux.
FUSED_INTO_FLOW = {
    "M1b": "sortants", "M1c": "contrats_signes", "M2": "delai_premier_entretien", "M4": "delai_premiere_action",
    "M5": "accompagnement_intensif", "V2-1": "entrants", "V2-2": "orientes_15j",
}  # fmt: skip
_FUSED_FOLDED = {k.casefold(): v for k, v in FUSED_INTO_FLOW.items()}
_FLOW_NATIONAL = {v: k for k, v in FUSED_INTO_FLOW.items()}


def canonical_code(code: str) -> str:
    """Le code sous lequel un indicateur vit : « M2 » → « delai_premier_entretien » (fondu) ;
    tout autre code inchangé."""
    return _FUSED_FOLDED.get(code.strip().casefold(), code)

REACHED, BELOW, NO_VALUE, NO_TARGET = "atteint", "en-dessous", "pas de valeur", "sans cible"
#: Un statut se lit en couleur et en texte (et reste lisible en noir et blanc par son signe) :
#: page Indicateurs, panneau, pack (classeur et PDF).
STATUS_MARKS = {REACHED: "●", BELOW: "▼", NO_VALUE: "○", NO_TARGET: "◌"}
STATUS_INKS = {REACHED: "#067647", BELOW: "#B42318"}  # ui.style.SUCCESS et DANGER
#: Cibles de flux : au moins N (moyenne jugée sur le cumul, part du total, plancher) ou au plus N.
_FLOW_MIN_KINDS = ("monthly_average", "monthly_min", "min")
_FLOW_SHARE_KINDS = ("share_min", "share_target")


@dataclass(frozen=True)
class IndicatorDef:
    id: int
    code: str
    label: str
    definition: str
    unit: str
    direction: str
    frequency: str
    scope: str
    provenance: str
    storage: str
    annexe: str
    category: str
    roadmap_id: int | None
    version: int
    archived: bool = False

    @property
    def is_flow(self) -> bool:
        return self.storage == "flux"

    @property
    def per_bassin(self) -> bool:
        return self.scope == "bassin"

    @property
    def title(self) -> str:
        return titled(self.label, self.code)

    @property
    def national_code(self) -> str:
        """Le code national fondu dans ce flux (« M2 » pour ``delai_premier_entretien``), ou vide."""
        return _FLOW_NATIONAL.get(self.code, "") if self.is_flow else ""

    @property
    def link_kind(self) -> str:
        """Colonne proposée pour un nouveau lien : « tdb » pour un indicateur du TDB national (y
        compris un flux qui en porte un), « autre » sinon."""
        return "tdb" if self.provenance == "tdb" or self.national_code else "autre"

    @property
    def builtin(self) -> str:
        """« un flux mensuel BRSA », « un indicateur national (annexe 4) » ; vide : un indicateur
        défini pour la feuille de route (le seul dont la définition se modifie et s'archive)."""
        if self.is_flow:
            return "un flux mensuel BRSA"
        if self.roadmap_id is None:
            return "un indicateur national (annexe 4)"
        return ""


def titled(label: str, code: str) -> str:
    """« Reçus en 15 jours (PAR15J) » : l'intitulé d'abord, le code ensuite (règle de la maison,
    partout où la place le permet ; une colonne dont le code est la clé le garde seul)."""
    return f"{label} ({code})" if label and label != code else code


class Step(NamedTuple):
    """Situation de référence ou cible, en vigueur à partir de ``effective_from`` (n-uplet :
    des milliers sont créés à l'ouverture de la page Indicateurs)."""

    kind: str  # baseline | target | (flux) sorte de cible
    bassin_id: int | None
    value: float
    effective_from: date
    year: int | None = None
    label: str = ""

    def when(self, d: IndicatorDef | None = None) -> str:
        """« 2025 » (cible par année), « juil. 2024 » (à partir d'un début de mois, indicateur
        mensuel), « T3 2025 », ou la date : ``period_label`` selon la fréquence de ``d``."""
        if self.year:
            return str(self.year)
        return period_label(frequency_of(d) if d is not None else "free", self.effective_from)


class Point(NamedTuple):
    day: date
    value: float
    by: str = ""


@dataclass
class State:
    """Un indicateur pour un bassin (``bassin_id`` nul : tout le plan)."""

    indicator: IndicatorDef
    bassin_id: int | None
    bassin_name: str
    baseline: Step | None
    target: Step | None
    last: Point | None
    status: str
    points: list[Point] = field(default_factory=list)
    targets: list[Step] = field(default_factory=list)
    compared: float | None = None  # valeur comparée à la cible (moyenne, part) si autre que la dernière
    upcoming: bool = False  # ``target`` n'est pas encore en vigueur (à la date de la dernière valeur)

    @property
    def where(self) -> str:
        return self.bassin_name or "Tout le plan"


def raw_rows(s: Session, sql: str) -> list[tuple[Any, ...]]:
    """Lignes brutes du pilote (SQLite ou PostgreSQL), sans objets ``Row`` de SQLAlchemy : les
    lectures en bloc (17 500 liens, 9 000 dernières valeurs à 100×) y gagnent un tiers. ``sql`` ne
    contient aucun paramètre (seulement des entiers insérés par l'appelant)."""
    cursor = s.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


_DEF_COLUMNS = ("id, code, label, definition, unit, direction, frequency, scope, provenance, storage, "
                "annexe, category, roadmap_id, version, archived")  # fmt: skip


def _defs(s: Session, where: str = "", params: dict[str, Any] | None = None) -> list[IndicatorDef]:
    sql = f"SELECT {_DEF_COLUMNS} FROM indicator_definition {where} ORDER BY position, id"
    # colonnes dans l'ordre des champs (vérifié ci-dessous) : arguments positionnels, sans
    # dictionnaire par ligne (1 000 indicateurs à 100×)
    return [IndicatorDef(i, code, label, definition, unit, direction, frequency, scope, provenance, storage, annexe,
                         category, roadmap_id, version, bool(archived))
            for (i, code, label, definition, unit, direction, frequency, scope, provenance, storage, annexe, category,
                 roadmap_id, version, archived) in s.execute(text(sql), params or {})]  # fmt: skip


assert tuple(n.strip() for n in _DEF_COLUMNS.split(",")) == tuple(
    f.name for f in fields(IndicatorDef)
), "_DEF_COLUMNS doit suivre l'ordre des champs d'IndicatorDef"


def load_definitions(ctx: AppContext, roadmap_id: int | None = None, *, archived: bool = False) -> list[IndicatorDef]:
    """Indicateurs communs et ceux de la feuille de route (toutes si ``roadmap_id`` nul)."""
    with ctx.store.session() as s:
        found = _defs(s)
    return [d for d in found if (archived or not d.archived)
            and (roadmap_id is None or d.roadmap_id in (None, roadmap_id))]  # fmt: skip


def find_definition(defs: Iterable[IndicatorDef], key: str | int) -> IndicatorDef:
    """Par id, code (« R1 », « entrants ») ou libellé, sans tenir compte des accents ni de la casse."""
    defs = list(defs)
    if isinstance(key, int):
        for d in defs:
            if d.id == key:
                return d
    else:
        k = " ".join(fold(canonical_code(key)).replace("_", " ").split())
        for d in defs:
            if k in (fold(d.code).replace("_", " "), " ".join(fold(d.label).split())):
                return d
    codes = ", ".join(d.code for d in defs[:40])
    raise NotFoundError(f"Indicateur « {key} » inconnu. Indicateurs : {codes}{' …' if len(defs) > 40 else ''}.")


def matches(d: IndicatorDef, query: str) -> bool:
    """Recherche d'un indicateur : chaque mot cherché (« m5 », « retour emploi ») dans son code
    ou son libellé, sans tenir compte des accents ni de la casse (``core.text.fold``)."""
    words = fold(query).split()
    if not words:
        return True
    where = f"{fold(d.code)} {fold(d.label)} {fold(d.annexe)}"  # « m2 » trouve son flux
    return all(w in where for w in words)


# -- liens -------------------------------------------------------------------------------------------
class Link(NamedTuple):
    action_id: int
    action_code: str
    indicator_id: int
    kind: str
    axe_code: str = ""


def load_links(ctx: AppContext, *, action_ids: Iterable[int] | None = None,
               roadmap_id: int | None = None) -> list[Link]:  # fmt: skip
    """Liens actifs (actions non archivées), d'actions données ou d'une feuille de route."""
    sql = ("SELECT l.action_id, a.code, l.indicator_id, l.kind, x.code FROM action_indicator l "
           "JOIN action a ON a.id = l.action_id JOIN cible c ON c.id = a.cible_id JOIN axe x ON x.id = c.axe_id "
           "WHERE l.active AND NOT a.archived")  # fmt: skip
    if action_ids is not None:
        ids = sorted(set(action_ids))
        if not ids:
            return []
        sql += f" AND l.action_id IN ({', '.join(str(int(i)) for i in ids)})"
    if roadmap_id is not None:
        sql += f" AND a.roadmap_id = {int(roadmap_id)}"
    with ctx.store.session() as s:
        return [Link(*r) for r in raw_rows(s, sql + " ORDER BY a.position, a.id, l.id")]


def link_triples(ctx: AppContext, roadmap_id: int) -> list[tuple[str, int, str]]:
    """Les mêmes liens qu'avec ``load_links(roadmap_id=…)``, réduits à (action, indicateur, sorte) :
    lecture en bloc des instantanés (17 500 liens à 100× : deux fois moins de temps)."""
    sql = ("SELECT a.code, l.indicator_id, l.kind FROM action a JOIN action_indicator l ON l.action_id = a.id "
           f"WHERE l.active AND NOT a.archived AND a.roadmap_id = {int(roadmap_id)} ORDER BY a.position, a.id, l.id")  # fmt: skip
    with ctx.store.session() as s:
        return raw_rows(s, sql)


# -- valeurs et cibles --------------------------------------------------------------------------------
Key = tuple[int | str, int | None]  # (indicateur, bassin) ; (« total:CODE », bassin) : totaux des parts


def as_date(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


def load_series(ctx: AppContext, defs: Iterable[IndicatorDef], *, flows_since: date | None = None,
                ) -> tuple[dict[Key, list[Point]], dict[Key, list[Step]]]:  # fmt: skip
    """Valeurs (par date croissante) et étapes (référence, cibles) de ces indicateurs, par bassin ;
    ``flows_since`` : seulement les mois récents des flux (dix ans de séries à 100×)."""
    defs = list(defs)
    generic = [d.id for d in defs if not d.is_flow]
    flows = {d.code: d.id for d in defs if d.is_flow}
    points: dict[Key, list[Point]] = {}
    steps: dict[Key, list[Step]] = {}
    with ctx.store.session() as s:
        if defs:
            ids = ", ".join(str(d.id) for d in defs)
            for ind, bid, kind, value, eff, year, label in s.execute(text(
                "SELECT indicator_id, bassin_id, kind, value, effective_from, year, label FROM indicator_target "
                f"WHERE indicator_id IN ({ids}) AND value IS NOT NULL ORDER BY effective_from, id"
            )).all():  # fmt: skip
                steps.setdefault((ind, bid), []).append(Step(kind, bid, float(value), as_date(eff), year, label))
        if generic:
            ids = ", ".join(str(i) for i in generic)
            for ind, bid, day, value, by in s.execute(text(
                "SELECT indicator_id, bassin_id, day, value, updated_by FROM indicator_value "
                f"WHERE indicator_id IN ({ids}) AND value IS NOT NULL ORDER BY indicator_id, bassin_id, day"
            )).all():  # fmt: skip
                points.setdefault((ind, bid), []).append(Point(as_date(day), float(value), by))
        if flows:
            v = FLOW_VALUE.c
            parents = _parents(flows)
            codes = sorted(set(flows) | parents)
            rows = s.execute(
                select(v.indicator, v.bassin_id, v.month, v.value, v.updated_by)
                .where(v.indicator.in_(codes), v.value.is_not(None),
                       v.month >= (flows_since or date(1900, 1, 1))).order_by(v.month)
            )  # fmt: skip
            for code, bid, month, value, by in rows.all():
                point = Point(month, float(value), by)
                if code in flows:
                    points.setdefault((flows[code], bid), []).append(point)
                if code in parents:
                    points.setdefault((f"total:{code}", bid), []).append(point)
            t = FLOW_TARGET.c
            for code, bid, kind, value, eff, label in s.execute(
                select(t.indicator, t.bassin_id, t.kind, t.value, t.effective_from, t.label)
                .where(t.indicator.in_(list(flows)), t.value.is_not(None)).order_by(t.effective_from)
            ):  # fmt: skip
                year = eff.year if (eff.month, eff.day) == (1, 1) and label == f"cible {eff.year}" else None
                steps.setdefault((flows[code], bid), []).append(Step(kind, bid, float(value), eff, year, label))
    return points, steps


def _parents(flows: dict[str, int]) -> set[str]:
    from roadmap_app.flows.catalogue import BY_CODE

    return {BY_CODE[c].parent for c in flows if c in BY_CODE and BY_CODE[c].parent}  # type: ignore[misc]


def in_force(steps: Iterable[Step], kind_target: bool, bassin_id: int | None, day: date) -> Step | None:
    """Étape en vigueur ce jour-là (la plus récente entrée en vigueur ; celle du bassin prime)."""
    best: Step | None = None
    for st in steps:
        if (st.kind == "baseline") == kind_target or st.effective_from > day:
            continue
        if st.bassin_id not in (None, bassin_id):
            continue
        if best is None or (st.bassin_id is not None, st.effective_from) >= (best.bassin_id is not None, best.effective_from):
            best = st
    return best


def _merged(steps: dict[Key, list[Step]], ind: int, bassin_id: int | None) -> list[Step]:
    out = list(steps.get((ind, None), []))
    if bassin_id is not None:
        out += steps.get((ind, bassin_id), [])
    return sorted(out, key=lambda s: (s.effective_from, s.bassin_id is not None))


def compute_state(d: IndicatorDef, bassin_id: int | None, bassin_name: str, points: dict[Key, list[Point]],
                  steps: dict[Key, list[Step]], today: date) -> State:  # fmt: skip
    pts = points.get((d.id, bassin_id), [])
    st = _merged(steps, d.id, bassin_id)
    baseline = None
    for s_ in st:
        if s_.kind == "baseline" and (baseline is None or (s_.bassin_id is not None, s_.effective_from)
                                      >= (baseline.bassin_id is not None, baseline.effective_from)):  # fmt: skip
            baseline = s_
    last = pts[-1] if pts else None
    when = last.day if last else today
    target = in_force(st, True, bassin_id, when)
    targets = [s_ for s_ in st if s_.kind != "baseline"]
    if target is None and targets:  # pas encore de cible en vigueur : on montre la prochaine
        return State(d, bassin_id, bassin_name, baseline, targets[0], last, NO_VALUE if last is None else NO_TARGET,
                     pts, targets, upcoming=True)  # fmt: skip
    if last is None:
        return State(d, bassin_id, bassin_name, baseline, target, None, NO_VALUE, pts, targets)
    if target is None:
        return State(d, bassin_id, bassin_name, baseline, None, last, NO_TARGET, pts, targets)
    compared = last.value
    up = d.direction == "up"
    if d.is_flow:
        up = target.kind != "max"
        if target.kind in ("monthly_average", "monthly_min"):
            since = [p.value for p in pts if p.day >= target.effective_from]
            compared = sum(since) / len(since) if since else last.value
        elif target.kind in _FLOW_SHARE_KINDS:
            from roadmap_app.flows.catalogue import BY_CODE

            parent = BY_CODE[d.code].parent if d.code in BY_CODE else None
            totals = {p.day: p.value for p in points.get((f"total:{parent}", bassin_id), [])} if parent else {}
            total = totals.get(last.day)
            if not total:
                return State(d, bassin_id, bassin_name, baseline, target, last, NO_TARGET, pts, targets)
            compared = 100.0 * last.value / total
    ok = compared >= target.value if up else compared <= target.value
    return State(d, bassin_id, bassin_name, baseline, target, last, REACHED if ok else BELOW, pts, targets,
                 None if compared == last.value else compared)  # fmt: skip


def states(ctx: AppContext, defs: Iterable[IndicatorDef], bassins: list[tuple[int, str]],
           *, series: tuple[dict[Key, list[Point]], dict[Key, list[Step]]] | None = None) -> list[State]:  # fmt: skip
    """État de chaque indicateur : un par bassin (indicateur par bassin), un seul sinon."""
    defs = list(defs)
    points, steps = series if series is not None else load_series(ctx, defs)
    today = ctx.today()
    out: list[State] = []
    for d in defs:
        if d.per_bassin:
            out += [compute_state(d, bid, name, points, steps, today) for bid, name in bassins]
        else:
            out.append(compute_state(d, None, "", points, steps, today))
    return out


def bassin_list(ctx: AppContext) -> list[tuple[int, str]]:
    from roadmap_app.flows.series import bassins

    return [(b.id, b.name) for b in bassins(ctx)]


# -- vues ---------------------------------------------------------------------------------------------
@dataclass
class LinkedIndicator:
    indicator: IndicatorDef
    kind: str
    states: list[State]


def action_indicators(ctx: AppContext, action_id: int, bassins: list[tuple[int, str]] | None = None) -> list[LinkedIndicator]:
    """Indicateurs liés à une action, avec leur état par bassin (panneau de détail)."""
    links = load_links(ctx, action_ids=[action_id])
    if not links:
        return []
    with ctx.store.session() as s:
        ids = ", ".join(str(link.indicator_id) for link in links)
        defs = {d.id: d for d in _defs(s, f"WHERE id IN ({ids})")}
    bassins = bassin_list(ctx) if bassins is None else bassins
    wanted = [defs[link.indicator_id] for link in links if link.indicator_id in defs]
    series = load_series(ctx, wanted)
    all_states = states(ctx, wanted, bassins, series=series)
    out = []
    for link in links:
        d = defs.get(link.indicator_id)
        if d is not None and not d.archived:
            out.append(LinkedIndicator(d, link.kind, [st for st in all_states if st.indicator.id == d.id]))
    return out


def format_value(d: IndicatorDef, v: float | None) -> str:
    if v is None:
        return "—"
    text_ = f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"
    text_ = text_.replace(",", "\u202f").replace(".", ",")
    return f"{text_} {d.unit}" if d.unit in ("%", "€") else f"{text_}"


def frequency_of(d: IndicatorDef) -> str:
    """Fréquence des valeurs : un flux BRSA est mensuel."""
    return "month" if d.is_flow else d.frequency


def period_label(frequency: str, day: date) -> str:
    """« 2024 », « T3 2024 », « sept. 2024 » ou « 30/09/2024 » selon la fréquence de l'indicateur.

    La seule mise en forme d'une période d'indicateur (valeurs, cibles, références ; panneau,
    page, comparaison, pack, bilan, journal). Un jour qui n'ouvre pas sa période (cible au
    15/07 d'un indicateur mensuel, référence au 31/12) reste une date : « juil. 2024 » la
    ferait lire comme le mois entier."""
    from roadmap_app.core.dates import format_month

    if frequency == "year" and (day.month, day.day) == (1, 1):
        return str(day.year)
    if frequency == "quarter" and day.day == 1 and day.month % 3 == 1:
        return f"T{(day.month - 1) // 3 + 1} {day.year}"
    if frequency == "month" and day.day == 1:
        return format_month(day)
    return f"{day:%d/%m/%Y}"


def target_phrase(st: State) -> str:
    """« cible 2025 : 60 % », « prochaine cible 2025 : 60 % » (pas encore en vigueur à la date de
    la dernière valeur : le statut est alors « sans cible »), ou « sans cible »."""
    if st.target is None:
        return "sans cible"
    return (f"{'prochaine cible' if st.upcoming else 'cible'} {st.target.when(st.indicator)} : "
            f"{format_value(st.indicator, st.target.value)}")  # fmt: skip


def value_period(d: IndicatorDef, day: date) -> str:
    """La période d'une valeur mesurée (« 2024 », « sept. 2024 ») : une valeur annuelle est rangée
    au 1er janvier, mensuelle au 1er du mois ; « au 01/01/2024 » la ferait lire comme un relevé de
    ce jour-là."""
    return period_label(frequency_of(d), day)


def value_phrase(d: IndicatorDef, day: date) -> str:
    """« en 2024 », « en sept. 2024 », « au T3 2024 », « au 30/09/2024 »."""
    shown = value_period(d, day)
    return f"{'au' if shown[:1] == 'T' or '/' in shown else 'en'} {shown}"


# -- liste (ligne de commande, page Indicateurs) -------------------------------------------------------
LIST_KEYS = ("code", "label", "unit", "direction", "bassin", "baseline", "baseline_date", "target", "target_from",
             "last_value", "last_date", "status", "actions")  # fmt: skip


@dataclass
class Overview:
    defs: list[IndicatorDef]
    states: list[State]
    actions: dict[int, list[str]]  # indicateur → codes des actions qu'il mesure
    links: list[Link]


def overview(ctx: AppContext, roadmap_id: int | None = None, *, action: str | None = None,
             bassin_id: int | None = None, full: bool = True) -> Overview:  # fmt: skip
    """Chaque indicateur de la feuille de route, son état par bassin et les actions qu'il mesure."""
    from roadmap_app.plan.read import roadmap_ref

    with ctx.store.session() as s:
        rm = roadmap_ref(s, roadmap_id if roadmap_id is not None else ctx.roadmap_id).id
    defs = load_definitions(ctx, rm)
    links = load_links(ctx, roadmap_id=rm)
    actions: dict[int, list[str]] = {}
    for link in links:
        actions.setdefault(link.indicator_id, []).append(link.action_code)
    if action is not None:
        code = action.strip().upper()
        if not any(link.action_code == code for link in links):
            from roadmap_app.plan.read import load_plan

            load_plan(ctx, rm).action(code)  # action inconnue : NotFoundError
        wanted = {link.indicator_id for link in links if link.action_code == code}
        defs = [d for d in defs if d.id in wanted]
    bassins = bassin_list(ctx)
    if bassin_id is not None:
        bassins = [b for b in bassins if b[0] == bassin_id]
    series = load_series(ctx, defs) if full else last_series(ctx, defs)
    return Overview(defs, states(ctx, defs, bassins, series=series), actions, links)


def last_series(ctx: AppContext, defs: Iterable[IndicatorDef]) -> tuple[dict[Key, list[Point]], dict[Key, list[Step]]]:
    """Comme ``load_series``, mais seulement la dernière valeur des indicateurs (hors flux) : la
    page Indicateurs s'affiche sans lire toutes les séries ; la courbe relit celle qu'on choisit."""
    defs = list(defs)
    flows = [d for d in defs if d.is_flow]
    since = date(ctx.today().year - 2, 1, 1)  # état des flux : cibles en vigueur depuis 2024
    points, steps = load_series(ctx, flows, flows_since=since) if flows else ({}, {})
    wanted = {d.id for d in defs if not d.is_flow}
    with ctx.store.session() as s:
        points.update(_last_points(s, sorted(wanted)))
        for ind, bid, kind, value, eff, year, label in raw_rows(s,
            "SELECT indicator_id, bassin_id, kind, value, effective_from, year, label FROM indicator_target "
            "WHERE value IS NOT NULL ORDER BY effective_from, id"
        ):  # fmt: skip
            if ind in wanted:
                steps.setdefault((ind, bid), []).append(Step(kind, bid, float(value), as_date(eff), year, label))
    return points, steps


def list_rows(ov: Overview) -> list[dict[str, Any]]:
    rows = []
    for st in ov.states:
        d = st.indicator
        rows.append({
            "code": d.code, "label": d.label, "unit": d.unit, "direction": d.direction, "bassin": st.where,
            "baseline": None if st.baseline is None else st.baseline.value,
            "baseline_date": None if st.baseline is None else st.baseline.effective_from.isoformat(),
            "target": None if st.target is None else st.target.value,
            "target_from": None if st.target is None else st.target.effective_from.isoformat(),
            "last_value": None if st.last is None else st.last.value,
            "last_date": None if st.last is None else st.last.day.isoformat(),
            "status": st.status, "actions": ", ".join(ov.actions.get(d.id, [])),
        })  # fmt: skip
    return rows


# -- colonne « Indicateurs » de la Feuille de route ---------------------------------------------------
@dataclass(frozen=True)
class Summary:
    """Indicateurs liés à une action (ou cumulés sur une cible, un axe) : combien atteignent leur
    cible (aucun bassin en dessous, au moins un atteint), combien sont en dessous, combien liés."""

    on_target: int = 0
    below: int = 0
    linked: int = 0

    def __add__(self, other: Summary) -> Summary:
        return Summary(self.on_target + other.on_target, self.below + other.below, self.linked + other.linked)

    @property
    def text(self) -> str:
        return "—" if not self.linked else f"{self.on_target}/{self.linked}"

    @property
    def describe(self) -> str:
        if not self.linked:
            return "Aucun indicateur lié"
        below = f", {self.below} en dessous" if self.below else ""
        return f"{self.on_target} indicateur(s) sur {self.linked} atteignent leur cible{below}"


def _last_points(s: Session, ids: list[int]) -> dict[Key, list[Point]]:
    """Dernière valeur de chaque indicateur et bassin, lue sur l'index (indicateur, bassin, jour) :
    sous SQLite, la colonne nue d'un ``MAX`` vient de la ligne du maximum ; sous PostgreSQL,
    ``DISTINCT ON``."""
    out: dict[Key, list[Point]] = {}
    if not ids:
        return out
    wanted = set(ids)
    if s.get_bind().dialect.name == "sqlite":
        sql = ("SELECT indicator_id, bassin_id, MAX(day), value FROM indicator_value WHERE value IS NOT NULL "
               "GROUP BY indicator_id, bassin_id")  # fmt: skip
    else:
        sql = ("SELECT DISTINCT ON (indicator_id, bassin_id) indicator_id, bassin_id, day, value FROM indicator_value "
               "WHERE value IS NOT NULL ORDER BY indicator_id, bassin_id, day DESC")  # fmt: skip
    for ind, bid, day, value in raw_rows(s, sql):
        if ind in wanted:
            out[(ind, bid)] = [Point(as_date(day), float(value))]
    return out


def has_links(ctx: AppContext, roadmap_id: int) -> bool:
    """Une action de la feuille de route est-elle liée à un indicateur ? (une ligne lue)"""
    with ctx.store.session() as s:
        return s.execute(text(
            "SELECT 1 FROM action_indicator l JOIN action a ON a.id = l.action_id "
            "JOIN indicator_definition d ON d.id = l.indicator_id "
            "WHERE l.active AND NOT a.archived AND NOT d.archived AND a.roadmap_id = :rm LIMIT 1"
        ), {"rm": roadmap_id}).first() is not None  # fmt: skip


@dataclass(frozen=True)
class ActionIndicators:
    """Les indicateurs liés à une action, chacun avec son statut par bassin (``None`` : tout le
    plan) ; ``summary`` les cumule sur les bassins retenus par le filtre de la Feuille de route."""

    statuses: tuple[tuple[tuple[int | None, str], ...], ...] = ()

    def __add__(self, other: ActionIndicators) -> ActionIndicators:
        return ActionIndicators(self.statuses + other.statuses)

    def summary(self, scope: frozenset[int] | None = None) -> Summary:
        """Atteint : au moins un bassin retenu atteint sa cible et aucun n'est en dessous ; un
        bassin sans valeur ne compte ni pour ni contre (filtré sur lui seul : non atteint)."""
        out = Summary()
        for per_bassin in self.statuses:
            found = [st for bid, st in per_bassin if bid is None or scope is None or bid in scope]
            below = BELOW in found
            out = out + Summary(int(not below and REACHED in found), int(below), 1)
        return out


def action_summaries(ctx: AppContext, roadmap_id: int) -> dict[int, ActionIndicators]:
    """Par action de la feuille de route : statut par bassin de chaque indicateur lié (colonne
    « Indicateurs », cumulée selon le filtre des bassins : ``ActionIndicators.summary``)."""
    links = load_links(ctx, roadmap_id=roadmap_id)
    if not links:
        return {}
    ids = sorted({link.indicator_id for link in links})
    with ctx.store.session() as s:
        defs = {d.id: d for d in _defs(s, f"WHERE id IN ({', '.join(map(str, ids))})") if not d.archived}
        generic = [i for i, d in defs.items() if not d.is_flow]
        points = _last_points(s, generic)
        steps: dict[Key, list[Step]] = {}
        for ind, bid, kind, value, eff, year, label in s.execute(text(
            "SELECT indicator_id, bassin_id, kind, value, effective_from, year, label FROM indicator_target "
            "WHERE value IS NOT NULL ORDER BY effective_from, id"
        )):  # fmt: skip
            if ind in defs:
                steps.setdefault((ind, bid), []).append(Step(kind, bid, float(value), as_date(eff), year, label))
    flows = [d for d in defs.values() if d.is_flow]
    if flows:
        fp, fs = load_series(ctx, flows, flows_since=date(ctx.today().year - 2, 1, 1))
        points.update(fp)
        for key, lst in fs.items():
            steps.setdefault(key, []).extend(lst)
    today = ctx.today()
    bassins = bassin_list(ctx)
    per_indicator: dict[int, ActionIndicators] = {}
    for d in defs.values():
        keys = [(bid, name) for bid, name in bassins] if d.per_bassin else [(None, "")]
        found = tuple((bid, compute_state(d, bid, name, points, steps, today).status) for bid, name in keys)
        per_indicator[d.id] = ActionIndicators((found,))
    out: dict[int, ActionIndicators] = {}
    for link in links:
        one = per_indicator.get(link.indicator_id)
        if one is not None:
            out[link.action_id] = out.get(link.action_id, ActionIndicators()) + one
    return out


def results_by_action(ctx: AppContext, roadmap_id: int) -> dict[int, list[str]]:
    """Par action : une ligne par indicateur lié avec ses résultats par bassin (bilan de mise en
    œuvre) : « Taux … (R1) : Lensois : 52 % en 2025 (cible 2025 : 60 %, en-dessous) ; Audomarois : pas de valeur »."""
    links = load_links(ctx, roadmap_id=roadmap_id)
    if not links:
        return {}
    with ctx.store.session() as s:
        ids = ", ".join(str(i) for i in sorted({link.indicator_id for link in links}))
        defs = {d.id: d for d in _defs(s, f"WHERE id IN ({ids})") if not d.archived}
    by_indicator: dict[int, list[State]] = {}
    for st in states(ctx, defs.values(), bassin_list(ctx)):
        by_indicator.setdefault(st.indicator.id, []).append(st)
    texts: dict[int, str] = {}
    for ind, lst in by_indicator.items():
        d = defs[ind]
        parts = []
        for st in lst:
            if st.last is None:
                parts.append(f"{st.where} : pas de valeur")
                continue
            target = f"{target_phrase(st)}, " if st.target else ""
            parts.append(f"{st.where} : {format_value(d, st.last.value)} {value_phrase(d, st.last.day)} ({target}{st.status})")
        texts[ind] = f"{d.title} : " + " ; ".join(parts)
    out: dict[int, list[str]] = {}
    for link in links:
        if link.indicator_id in texts:
            out.setdefault(link.action_id, []).append(texts[link.indicator_id])
    return out
