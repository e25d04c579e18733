"""Feuilles de route : démarrer la suivante à partir d'une existante, archiver.

Reprise (« Feuille de route 2025 » à partir de « Feuille de route 2024 – volet 3 ») :

- les axes et les cibles opérationnelles en cours (non archivés) sont copiés avec leurs codes ;
- une action est reprise si elle reste ouverte dans au moins un des bassins où elle s'applique
  (statut ni « réalisé » ni « abandonné ») ; réalisée ou abandonnée partout, elle reste dans la
  feuille de route d'origine ;
- une action reprise garde son code, ses textes, son échéance et ses pilotes, et pointe vers
  l'action d'origine (``carried_from_id``, d'où l'historique lié) ; elle ne s'applique qu'aux
  bassins où elle était encore ouverte, avec le statut, l'avancement et la note qu'elle y avait ;
- rien n'est modifié dans la feuille de route d'origine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from db.models import Action, ActionBassin, ActionPilote, Axe, Bassin, Cible, Roadmap
from roadmap_app.core import ops
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import ValidationError
from roadmap_app.core.text import fold
from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.read import resolve_roadmap

if TYPE_CHECKING:  # l'édition n'est chargée qu'à la création
    from roadmap_app.plan.editing import EditResult

NAME_MAX = 200


@dataclass(frozen=True)
class CarryPreview:
    """Ce que la reprise emporterait : codes repris (avec leurs bassins ouverts) et laissés."""

    source: str
    carried: tuple[tuple[str, tuple[str, ...]], ...]
    left: tuple[str, ...]


@dataclass(frozen=True)
class NewRoadmap:
    result: EditResult
    roadmap_id: int
    carried: tuple[str, ...]
    left: tuple[str, ...]


def _live_structure(s: Session, roadmap_id: int) -> tuple[list[Axe], list[Cible], list[Action]]:
    axes = s.exec(
        select(Axe)
        .where(Axe.roadmap_id == roadmap_id, col(Axe.archived).is_(False))
        .order_by(col(Axe.position), col(Axe.id))
    ).all()
    axe_ids = {a.id for a in axes}
    cibles = [
        c
        for c in s.exec(
            select(Cible)
            .where(Cible.roadmap_id == roadmap_id, col(Cible.archived).is_(False))
            .order_by(col(Cible.position), col(Cible.id))
        ).all()
        if c.axe_id in axe_ids
    ]
    cible_ids = {c.id for c in cibles}
    actions = [
        a
        for a in s.exec(
            select(Action)
            .where(Action.roadmap_id == roadmap_id, col(Action.archived).is_(False))
            .order_by(col(Action.position), col(Action.id))
        ).all()
        if a.cible_id in cible_ids
    ]
    return list(axes), cibles, actions


def _open_cells(s: Session, action_id: int) -> list[tuple[ActionBassin, Bassin]]:
    """Lignes (applicables, bassins actifs) où l'action n'est ni réalisée ni abandonnée."""
    rows = s.exec(
        select(ActionBassin, Bassin)
        .join(Bassin, col(Bassin.id) == col(ActionBassin.bassin_id))
        .where(
            ActionBassin.action_id == action_id,
            col(ActionBassin.archived).is_(False),
            col(Bassin.archived).is_(False),
        )
        .order_by(col(Bassin.position), col(Bassin.id))
    ).all()
    return [(c, b) for c, b in rows if not status_rules.info(c.status).closed]


def carry_over_preview(ctx: AppContext, source: str | int | None = None) -> CarryPreview:
    with ctx.store.session() as s:
        src = resolve_roadmap(s, source if source is not None else ctx.roadmap_id)
        assert src.id is not None
        carried, left = [], []
        for a in _live_structure(s, src.id)[2]:
            assert a.id is not None
            cells = _open_cells(s, a.id)
            if cells:
                carried.append((a.code, tuple(b.name for _c, b in cells)))
            else:
                left.append(a.code)
        return CarryPreview(src.name, tuple(carried), tuple(left))


def suggest_code(year: int, taken: set[str]) -> str:
    code, n = f"FDR-{year}", 2
    while code in taken:
        code, n = f"FDR-{year}-{n}", n + 1
    return code


def new_roadmap(
    ctx: AppContext,
    name: str,
    *,
    source: str | int | None = None,
    year: int | None = None,
    code: str | None = None,
    description: str | None = None,
    author: str | None = None,
    origin: str = "gui",
    record_undo: bool = True,
) -> NewRoadmap:
    """Démarre une feuille de route à partir de ``source`` (par défaut : celle du contexte).

    Une seule opération : l'annuler archive la nouvelle feuille de route (rien n'est effacé).
    """
    from roadmap_app.plan.editing import (
        Operation,
        check_length,
        normalize_code,
        now,
        required_text,
    )

    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=origin, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        src = resolve_roadmap(s, source if source is not None else ctx.roadmap_id)
        assert src.id is not None
        text = check_length(
            required_text(name, "Le nom de la feuille de route est vide."),
            NAME_MAX,
            "Nom de la feuille de route",
        )
        every = s.exec(select(Roadmap)).all()
        for r in every:
            if fold(r.name) == fold(text):
                raise ValidationError(f"La feuille de route « {r.name} » existe déjà.")
        new_year = src.year + 1 if year is None else year
        if not 2000 <= new_year <= 2100:
            raise ValidationError(f"Année {new_year} invalide (entre 2000 et 2100).")
        taken = {r.code for r in every}
        new_code = normalize_code(code, "de feuille de route") if code else None
        if new_code is None:
            new_code = suggest_code(new_year, taken)
        elif new_code in taken:
            raise ValidationError(
                f"Le code {new_code} est déjà pris par une autre feuille de route."
            )
        stamp = now()
        axes, cibles, actions = _live_structure(s, src.id)
        plan = [(a, _open_cells(s, a.id)) for a in actions if a.id is not None]
        carried = [(a, cells) for a, cells in plan if cells]
        left = tuple(a.code for a, cells in plan if not cells)
        rm = Roadmap(
            code=new_code,
            name=text,
            year=new_year,
            description=(description or "").strip()
            or (
                f"Reprise de « {src.name} » le {ctx.today():%d/%m/%Y} : {len(carried)} action(s) "
                f"non réalisée(s) reprise(s), {len(left)} laissée(s) (réalisées ou abandonnées)."
            ),
            source=f"Créée dans roadmap-app à partir de « {src.name} » par {op.author}",
            parent_id=src.id,
            created_at=stamp,
        )
        s.add(rm)
        s.flush()
        assert rm.id is not None
        _copy(s, rm, axes, cibles, carried, stamp)
        op.created(rm, "roadmap", text)
        label = (
            f"Nouvelle feuille de route « {text} » à partir de « {src.name} » "
            f"({len(carried)} action(s) reprise(s))"
        )
        op.label = label
        new_id = rm.id
    result = op.finish(out, entity_id=new_id, code=new_code)
    return NewRoadmap(result, new_id, tuple(a.code for a, _c in carried), left)


def _copy(
    s: Session,
    rm: Roadmap,
    axes: list[Axe],
    cibles: list[Cible],
    carried: list[tuple[Action, list[tuple[ActionBassin, Bassin]]]],
    stamp: datetime,
) -> None:
    assert rm.id is not None
    axe_map: dict[int | None, int] = {}
    for a in axes:
        new_axe = Axe(
            roadmap_id=rm.id, code=a.code, title=a.title, position=a.position, source=a.source
        )
        s.add(new_axe)
        s.flush()
        assert new_axe.id is not None
        axe_map[a.id] = new_axe.id
    cible_map: dict[int | None, int] = {}
    for c in cibles:
        new_cible = Cible(
            roadmap_id=rm.id,
            axe_id=axe_map[c.axe_id],
            code=c.code,
            title=c.title,
            position=c.position,
            source=c.source,
        )
        s.add(new_cible)
        s.flush()
        assert new_cible.id is not None
        cible_map[c.id] = new_cible.id
    for old, cells in carried:
        new = Action(
            roadmap_id=rm.id,
            cible_id=cible_map[old.cible_id],
            code=old.code,
            position=old.position,
            intitule=old.intitule,
            actions_preexistantes=old.actions_preexistantes,
            plan_actions=old.plan_actions,
            indicateurs_tdb=old.indicateurs_tdb,
            indicateurs_autres=old.indicateurs_autres,
            echeance_label=old.echeance_label,
            echeance_date=old.echeance_date,
            echeance_fin=old.echeance_fin,
            echeance_precision=old.echeance_precision,
            echeance_flag=old.echeance_flag,
            pilotes_label=old.pilotes_label,
            commentaires=old.commentaires,
            source=old.source,
            transcription_note=old.transcription_note,
            carried_from_id=old.id,
            created_at=stamp,
            updated_at=stamp,
        )
        s.add(new)
        s.flush()
        assert new.id is not None
        for link in s.exec(select(ActionPilote).where(ActionPilote.action_id == old.id)).all():
            s.add(ActionPilote(action_id=new.id, organisation_id=link.organisation_id))
        for cell, bassin in cells:
            assert bassin.id is not None
            s.add(
                ActionBassin(
                    action_id=new.id,
                    bassin_id=bassin.id,
                    status=cell.status,
                    progress=cell.progress,
                    note=cell.note,
                    note_date=cell.note_date,
                    updated_at=cell.updated_at,
                    updated_by=cell.updated_by,
                )
            )
    s.flush()


def archive_roadmap(
    ctx: AppContext,
    roadmap: str | int,
    *,
    archived: bool = True,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Archive une feuille de route (elle n'est plus proposée ; rien n'est effacé) ou la restaure."""
    from roadmap_app.plan.editing import Operation

    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = resolve_roadmap(s, roadmap)
        if rm.archived == archived:
            state = "est déjà archivée" if archived else "n'est pas archivée"
            raise ValidationError(f"La feuille de route « {rm.name} » {state}.")
        if archived:
            others = s.exec(
                select(Roadmap).where(col(Roadmap.archived).is_(False), Roadmap.id != rm.id)
            ).first()
            if others is None:
                raise ValidationError(
                    f"Impossible d'archiver « {rm.name} » : c'est la seule feuille de route active."
                )
        op.update(rm, "roadmap", rm.name, {"archived": archived})
        label = f"Feuille de route « {rm.name} » {'archivée' if archived else 'restaurée'}"
        op.label = label
    return op.finish(out, entity_id=rm.id, code=rm.code)
