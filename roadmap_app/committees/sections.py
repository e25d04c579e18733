"""Contenu d'un instantané, section par section. Chaque fonctionnalité y ajoute sa section.

Une section est une fonction ``(ctx, roadmap_id) -> données JSON`` ; l'état courant et les
instantanés sont construits par les mêmes fonctions, donc toujours comparables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import col, select

from db.models import Bassin, FinancementLine, IndicatorDefinition, KeyDate, ReferenceFigure, Volet
from roadmap_app.committees.flows_section import flux_section
from roadmap_app.committees.state_cell import Cell
from roadmap_app.core.bulk import paused_gc
from roadmap_app.core.context import AppContext
from roadmap_app.plan.read import ActionRow, load_plan

#: 1 : cellules en dictionnaires ; 2 : cellules en listes (``state_cell``). Les deux se lisent.
STATE_FORMAT = 2

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
    plan = load_plan(ctx, roadmap_id)
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


@paused_gc()
def build_state(ctx: AppContext, roadmap_id: int, *, live: bool = False) -> dict[str, Any]:
    """État complet à figer ; ``live`` : l'état actuel, à comparer ou à exporter sans le figer."""
    return {
        "format": STATE_FORMAT,
        **{name: (LIVE_SECTIONS.get(name, builder) if live else builder)(ctx, roadmap_id)
           for name, builder in SECTIONS.items()},
    }
