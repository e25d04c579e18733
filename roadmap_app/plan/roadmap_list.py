"""Liste des feuilles de route et choix de celle de travail (lecture seule).

Lue au démarrage (sélecteur de la barre latérale) : écrite sur les tables légères de
``db.read_tables``, sans les classes ORM. Créer, reprendre et archiver : ``services.roadmaps``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session

from db.read_tables import ACTION, AXE, CIBLE, ROADMAP
from roadmap_app.core.context import AppContext
from roadmap_app.plan.read import roadmap_ref


@dataclass(frozen=True)
class RoadmapInfo:
    id: int
    code: str
    name: str
    year: int
    parent: str | None  # nom de la feuille de route d'origine
    archived: bool
    #: effectifs en cours (non archivés) ; ``None`` quand ils n'ont pas été demandés
    axes: int | None
    cibles: int | None
    actions: int | None
    default: bool  # celle qu'on ouvre sans choix (la plus récente)


def use_roadmap(ctx: AppContext, key: str | int | None) -> RoadmapInfo:
    """Choisit la feuille de route de travail du contexte (``None`` : la plus récente)."""
    with ctx.store.session() as s:
        rm = roadmap_ref(s, key)
        ctx.roadmap_id = None if key is None else rm.id
        chosen = rm.id
    return next(r for r in list_roadmaps(ctx, include_archived=True) if r.id == chosen)


def list_roadmaps(
    ctx: AppContext, *, include_archived: bool = False, with_counts: bool = True
) -> list[RoadmapInfo]:
    """Les feuilles de route, la plus récente d'abord (année, puis ordre de création).

    ``with_counts=False`` : sans les effectifs (trois comptages sur tout le plan, ≈ 20 ms à 100×),
    pour le sélecteur affiché au démarrage."""
    t = ROADMAP.c
    with ctx.store.session() as s:
        rows = s.execute(
            sa_select(t.id, t.code, t.name, t.year, t.parent_id, t.archived).order_by(
                t.year.desc(), t.id.desc()
            )
        ).all()
        names = {r.id: r.name for r in rows}
        default = next((r.id for r in rows if not r.archived), None)
        axes, cibles, actions = _live_counts(s) if with_counts else ({}, {}, {})
        out = []
        for r in rows:
            if r.archived and not include_archived:
                continue
            out.append(
                RoadmapInfo(
                    id=r.id,
                    code=r.code,
                    name=r.name,
                    year=r.year,
                    parent=names.get(r.parent_id) if r.parent_id else None,
                    archived=bool(r.archived),
                    axes=axes.get(r.id, 0) if with_counts else None,
                    cibles=cibles.get(r.id, 0) if with_counts else None,
                    actions=actions.get(r.id, 0) if with_counts else None,
                    default=r.id == default,
                )
            )
        return out


def _live_counts(s: Session) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Nombre d'axes, de cibles et d'actions en cours (non archivés) par feuille de route."""
    ax, ci, ac = AXE.c, CIBLE.c, ACTION.c
    live_axe, live_cible = ax.archived.is_(False), ci.archived.is_(False)
    axes = s.execute(
        sa_select(ax.roadmap_id, func.count()).where(live_axe).group_by(ax.roadmap_id)
    ).all()
    cibles = s.execute(
        sa_select(ci.roadmap_id, func.count())
        .join(AXE, ax.id == ci.axe_id)
        .where(live_axe, live_cible)
        .group_by(ci.roadmap_id)
    ).all()
    actions = s.execute(
        sa_select(ac.roadmap_id, func.count())
        .join(CIBLE, ci.id == ac.cible_id)
        .join(AXE, ax.id == ci.axe_id)
        .where(live_axe, live_cible, ac.archived.is_(False))
        .group_by(ac.roadmap_id)
    ).all()
    return (
        {rid: n for rid, n in axes},
        {rid: n for rid, n in cibles},
        {rid: n for rid, n in actions},
    )
