"""Contenu d'un instantané, section par section. Chaque fonctionnalité y ajoute sa section.

Une section est une fonction ``(ctx, roadmap_id) -> données JSON`` ; l'état courant et les
instantanés sont construits par les mêmes fonctions, donc toujours comparables.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from db.models import Bassin, FinancementLine, IndicatorDefinition, KeyDate, ReferenceFigure, Volet
from db.models.enums import EcheancePrecision
from db.read_tables import ACTION, ACTION_BASSIN, ACTION_PILOTE, AXE, BASSIN, CIBLE, ORGANISATION
from db.rows import as_date, raw_rows
from roadmap_app.committees.flows_section import flux_section
from roadmap_app.committees.state_cell import Cell
from roadmap_app.core.bulk import paused_gc
from roadmap_app.core.context import AppContext
from roadmap_app.plan.read import (
    _CLOSED,
    ActionRow,
    PlanView,
    action_title,
    cached_plan,
    roadmap_ref,
)

#: 1 : cellules en dictionnaires ; 2 : cellules en listes (``state_cell``) ; 3 : séries des
#: indicateurs en ``[jours, valeurs]`` (``indicators_section``). Tous se lisent.
STATE_FORMAT = 3

SectionBuilder = Callable[[AppContext, int], Any]


def _iso(d: Any) -> str | None:
    return None if d is None else d.isoformat()


def _cells(a: ActionRow, codes: dict[int, str]) -> dict[str, Cell]:
    return {
        codes[b_id]: Cell(
            (
                cell.status,
                cell.progress,
                cell.note,
                None if cell.note_date is None else cell.note_date.isoformat(),
                cell.overdue,
                cell.updated_by,
            )
        )
        for b_id, cell in a.statuses.items()
    }


def _action(a: ActionRow, codes: dict[int, str]) -> dict[str, Any]:
    ech = a.echeance
    return {
        "code": a.code,
        "intitule": a.intitule,
        "actions_preexistantes": a.actions_preexistantes,
        "plan_actions": a.plan_actions,
        "indicateurs_tdb": a.indicateurs_tdb,
        "indicateurs_autres": a.indicateurs_autres,
        "echeance": {
            "label": ech.label,
            "start": _iso(ech.start),
            "end": _iso(ech.end),
            "precision": None if ech.precision is None else ech.precision.value,
            "flag": ech.flag,
        },
        "pilotes_label": a.pilotes_label,
        "pilotes": list(a.pilotes),
        "commentaires": a.commentaires,
        "statuses": _cells(a, codes),
    }


def plan_section(ctx: AppContext, roadmap_id: int) -> dict[str, Any]:
    """Le plan tel que figé : tiré du plan déjà lu par l'application s'il est à jour, sinon lu
    directement (``_plan_state``), sans construire le modèle de lecture du plan."""
    plan = cached_plan(ctx, roadmap_id)
    if plan is None:
        return _plan_state(ctx, roadmap_id)
    return _plan_section(plan)


def _plan_section(plan: PlanView) -> dict[str, Any]:
    codes = {b.id: b.code for b in plan.bassins}
    return {
        "roadmap": {
            "id": plan.roadmap.id,
            "code": plan.roadmap.code,
            "name": plan.roadmap.name,
            "year": plan.roadmap.year,
        },
        "today": plan.today.isoformat(),
        "bassins": [{"code": b.code, "name": b.name} for b in plan.bassins],
        "axes": [
            {
                "code": axe.code,
                "title": axe.title,
                "cibles": [
                    {
                        "code": c.code,
                        "title": c.title,
                        "actions": [_action(a, codes) for a in c.actions],
                    }
                    for c in axe.cibles
                ],
            }
            for axe in plan.axes
        ],
    }


_PRECISIONS = {p.value: p.value for p in EcheancePrecision}


def _plan_state(ctx: AppContext, roadmap_id: int) -> dict[str, Any]:
    """Même résultat que ``_plan_section(load_plan(ctx, roadmap_id))`` (mêmes requêtes, mêmes
    filtres, même ordre ; vérifié par ``tests/unit/test_snapshot_plan_state``) mais en une passe :
    seules les colonnes figées sont lues, et chaque action va droit dans son dictionnaire, sans
    ``ActionRow`` ni ``StatusCell`` (à 100× : 3 500 actions, 31 500 cellules ; 120 ms au lieu
    de 195 ms de CPU)."""
    today = ctx.today()
    with paused_gc(), ctx.store.session() as s:
        rm = roadmap_ref(s, roadmap_id)
        b, o, ax, ci = BASSIN.c, ORGANISATION.c, AXE.c, CIBLE.c
        ac, ap, ab = ACTION.c, ACTION_PILOTE.c, ACTION_BASSIN.c
        bassins = s.execute(
            sa_select(b.id, b.code, b.name).where(b.archived.is_(False)).order_by(b.position, b.id)
        ).all()
        codes = {b_id: b_code for b_id, b_code, _n in bassins}
        org_code = dict(s.execute(sa_select(o.id, o.code)).all())
        axes: dict[int, dict[str, Any]] = {}
        for a_id, a_code, a_title in s.execute(
            sa_select(ax.id, ax.code, ax.title)
            .where(ax.roadmap_id == rm.id, ax.archived.is_(False))
            .order_by(ax.position, ax.id)
        ).all():
            axes[a_id] = {"code": a_code, "title": a_title, "cibles": []}
        cibles: dict[int, tuple[dict[str, Any], str]] = {}
        for c_id, c_code, c_title, c_axe in s.execute(
            sa_select(ci.id, ci.code, ci.title, ci.axe_id)
            .where(ci.roadmap_id == rm.id, ci.archived.is_(False))
            .order_by(ci.position, ci.id)
        ).all():
            if c_axe in axes:
                node = {"code": c_code, "title": c_title, "actions": []}
                cibles[c_id] = (node, c_title)
                axes[c_axe]["cibles"].append(node)
        pilotes: dict[int, list[str]] = {}
        for action_id, org_id in s.execute(
            sa_select(ap.action_id, ap.organisation_id)
            .join(ACTION, ac.id == ap.action_id)
            .where(ac.roadmap_id == rm.id)
            .order_by(ap.action_id, ap.organisation_id)
        ).all():
            pilotes.setdefault(action_id, []).append(org_code[org_id])
        dates: dict[Any, tuple[date | None, str | None]] = {None: (None, None)}

        def day(value: Any) -> tuple[date | None, str | None]:
            """(date, texte ISO) d'une date lue brute ; les mêmes dates reviennent sans cesse."""
            found = dates.get(value)
            if found is None:
                d = as_date(value)
                found = dates[value] = (d, None if d is None else d.isoformat())
            return found

        #: action → (ses cellules, échéance dépassée) : le retard d'une cellule ne dépend plus que
        #: de son statut
        actions: dict[int, tuple[dict[str, Cell], bool]] = {}
        for (
            a_id, code, cible_id, intitule, preexistantes, plan_actions, tdb, autres, ech_label,
            ech_date, ech_fin, ech_precision, ech_flag, pilotes_label, commentaires,
        ) in raw_rows(
            s.connection(),
            sa_select(
                ac.id, ac.code, ac.cible_id, ac.intitule, ac.actions_preexistantes, ac.plan_actions,
                ac.indicateurs_tdb, ac.indicateurs_autres, ac.echeance_label, ac.echeance_date,
                ac.echeance_fin, ac.echeance_precision, ac.echeance_flag, ac.pilotes_label,
                ac.commentaires,
            )
            .where(ac.roadmap_id == rm.id, ac.archived.is_(False))
            .order_by(ac.position, ac.id),
        ):  # fmt: skip
            cible = cibles.get(cible_id)
            if cible is None:
                continue
            node, cible_title = cible
            end, end_iso = day(ech_fin)
            action = {
                "code": code,
                "intitule": action_title(intitule, plan_actions, preexistantes, cible_title),
                "actions_preexistantes": preexistantes,
                "plan_actions": plan_actions,
                "indicateurs_tdb": tdb,
                "indicateurs_autres": autres,
                "echeance": {
                    "label": ech_label or "",
                    "start": day(ech_date)[1],
                    "end": end_iso,
                    "precision": None
                    if ech_precision is None
                    else _PRECISIONS.get(ech_precision) or EcheancePrecision(ech_precision).value,
                    "flag": ech_flag,
                },
                "pilotes_label": pilotes_label,
                "pilotes": pilotes.get(a_id, []),
                "commentaires": commentaires,
                "statuses": {},
            }
            node["actions"].append(action)
            actions[a_id] = (action["statuses"], end is not None and end < today)
        shared: dict[str, str] = {}
        for action_id, bassin_id, status, progress, note, note_date, by in raw_rows(
            s.connection(),
            sa_select(ab.action_id, ab.bassin_id, ab.status, ab.progress, ab.note, ab.note_date,
                      ab.updated_by)
            .join(ACTION, ac.id == ab.action_id)
            .where(ac.roadmap_id == rm.id, ab.archived.is_(False), ac.archived.is_(False)),
        ):  # fmt: skip
            found = actions.get(action_id)
            bassin = codes.get(bassin_id)
            if found is None or bassin is None:
                continue
            cells, late = found
            status, by = shared.setdefault(status, status), shared.setdefault(by, by)
            cells[bassin] = Cell((
                status, progress, note, None if note_date is None else day(note_date)[1],
                late and status not in _CLOSED, by,
            ))  # fmt: skip
    return {
        "roadmap": {"id": rm.id, "code": rm.code, "name": rm.name, "year": rm.year},
        "today": today.isoformat(),
        "bassins": [{"code": b_code, "name": b_name} for _i, b_code, b_name in bassins],
        "axes": list(axes.values()),
    }


def reference_section(ctx: AppContext, roadmap_id: int) -> dict[str, Any]:
    with ctx.store.session() as s:
        codes = {b.id: b.code for b in s.exec(select(Bassin)).all()}
        figures = s.exec(select(ReferenceFigure).order_by(col(ReferenceFigure.id))).all()
        dates = s.exec(select(KeyDate).order_by(col(KeyDate.date))).all()
        # Indicateurs nationaux (annexe 4) ; flux et indicateurs des feuilles de route : section à part
        indicators = s.exec(
            select(IndicatorDefinition)
            .where(col(IndicatorDefinition.category).notin_(("flux", "feuille de route")))
            .order_by(col(IndicatorDefinition.position))
        ).all()
        return {
            "indicators": [
                {
                    "code": i.code,
                    "label": i.label,
                    "category": i.category,
                    "volet": i.volet,
                    "unit": i.unit,
                    "definition": i.definition,
                    "source": i.source,
                }
                for i in indicators
            ],
            "figures": [
                {
                    "bassin": None if f.bassin_id is None else codes.get(f.bassin_id),
                    "key": f.key,
                    "label": f.label,
                    "value": f.value,
                    "unit": f.unit,
                    "as_of": f.as_of.isoformat(),
                    "note": f.note,
                }
                for f in figures
            ],
            "key_dates": [
                {
                    "key": k.key,
                    "label": k.label,
                    "date": k.date.isoformat(),
                    "end_date": _iso(k.end_date),
                }
                for k in dates
            ],
        }


def financement_section(ctx: AppContext, roadmap_id: int) -> dict[str, Any]:
    with ctx.store.session() as s:
        volets = s.exec(select(Volet).order_by(col(Volet.number))).all()
        lines = s.exec(
            select(FinancementLine).order_by(
                col(FinancementLine.volet_id), col(FinancementLine.position)
            )
        ).all()
        return {
            "volets": [
                {
                    "number": v.number,
                    "label": v.label,
                    "plafond_cents": v.plafond_cents,
                    "lines": [
                        {
                            "section": ln.section,
                            "nature": ln.nature,
                            "objet": ln.objet,
                            "precisions": ln.precisions,
                            "existant": ln.existant,
                            "cible": ln.cible,
                            "delta": ln.delta,
                            "montant_cents": ln.montant_cents,
                            "financement_complementaire": ln.financement_complementaire,
                        }
                        for ln in lines
                        if ln.volet_id == v.id
                    ],
                }
                for v in volets
            ]
        }


def _indicators_section(ctx: AppContext, roadmap_id: int) -> dict[str, Any]:
    from roadmap_app.committees.indicators_section import indicators_section

    return indicators_section(ctx, roadmap_id)


def _indicators_live(ctx: AppContext, roadmap_id: int) -> dict[str, Any]:
    from roadmap_app.committees.indicators_section import indicators_section

    return indicators_section(ctx, roadmap_id, series=False)


#: Sections dans l'ordre ; les autres fonctionnalités (flux, financement réalisé…) ajoutent la leur.
SECTIONS: dict[str, SectionBuilder] = {
    "plan": plan_section,
    "reference": reference_section,
    "financement": financement_section,
    "flux": flux_section,
    "indicateurs": _indicators_section,
}


#: Sections de l'état actuel (comparaison, pack) lues autrement que pour un instantané : les
#: indicateurs n'y gardent que la dernière valeur de chaque série (162 000 valeurs à 100×).
LIVE_SECTIONS: dict[str, SectionBuilder] = {"indicateurs": _indicators_live}


def _indicators_brief(ctx: AppContext, roadmap_id: int) -> dict[str, Any]:
    from roadmap_app.committees.indicators_section import indicators_section

    return indicators_section(ctx, roadmap_id, series=False, links_only=True)


#: Sections de l'état actuel comparé à un instantané qui ne les a pas (figé avant elles) : la
#: comparaison n'en dit qu'une ligne (``diff.SAID_WHEN_ABSENT``), tirée de ce résumé. Les
#: indicateurs : leurs liens seuls (ni dernières valeurs, ni cibles, ni définitions).
BRIEF_SECTIONS: dict[str, SectionBuilder] = {"indicateurs": _indicators_brief}


@paused_gc()
def build_state(
    ctx: AppContext, roadmap_id: int, *, live: bool = False, absent: Collection[str] = ()
) -> dict[str, Any]:
    """État complet à figer ; ``live`` : l'état actuel, à comparer ou à exporter sans le figer.
    L'état à figer contient un texte JSON déjà écrit (``state_json.Encoded`` : les séries des
    indicateurs) : il s'écrit par ``state_json.encode_state``, et se relit de l'instantané.

    ``absent`` (avec ``live``) : sections que n'a pas l'instantané auquel l'état actuel est
    comparé ; celles de ``BRIEF_SECTIONS`` ne sont alors que résumées."""
    state: dict[str, Any] = {"format": STATE_FORMAT}
    for name, builder in SECTIONS.items():
        if live:
            brief = BRIEF_SECTIONS.get(name) if name in absent else None
            builder = brief or LIVE_SECTIONS.get(name, builder)
        state[name] = builder(ctx, roadmap_id)
    return state
