"""Bassins : lister, ajouter (avec ses chiffres de référence datés), choisir les actions qui s'y
appliquent, archiver et restaurer.

Les colonnes de statut, les filtres, la CLI (et tout ce qui lit ``load_plan``) suivent d'eux-mêmes :
ils lisent la liste des bassins actifs dans la base.

« Non applicable » : la ligne action × bassin est archivée, jamais effacée ; son statut et son
historique restent, et la rendre de nouveau applicable la retrouve telle quelle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from db.models import Action, ActionBassin, Axe, Bassin, Cible, ReferenceFigure, Roadmap
from roadmap_app.core import ops
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import ValidationError
from roadmap_app.core.text import clean_text, fold
from roadmap_app.plan.edit_actions import active_bassins, set_applicable
from roadmap_app.plan.editing import (
    EditResult,
    Operation,
    action_is_live,
    check_length,
    find_action,
    find_bassin_row,
    normalize_code,
    now,
    required_text,
    roadmap_of,
)
from roadmap_app.plan.read import resolve_roadmap

NAME_MAX, FULL_NAME_MAX, TYPOLOGY_MAX = 100, 200, 200
ALL_ACTIONS = "all"
#: Les neuf territoires du Pas-de-Calais (annexes des appels à projets) : la généralisation de
#: l'accompagnement rénové ajouterait des bassins de cette liste.
TERRITOIRES = (
    "Arrageois",
    "Artois",
    "Audomarois",
    "Boulonnais",
    "Calaisis",
    "Hénin-Carvin",
    "Lens-Liévin",
    "Montreuillois",
    "Ternois",
)


@dataclass(frozen=True)
class FigureKey:
    """Un chiffre de référence connu (clé, libellé, unité), repris des bassins existants."""

    key: str
    label: str
    unit: str


@dataclass(frozen=True)
class FigureInput:
    key: str
    value: float
    label: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    value: float
    unit: str
    as_of: date
    note: str = ""

    @property
    def to_confirm(self) -> bool:
        """Chiffre que les documents contredisent (la note dit lesquels, avec les lignes)."""
        return "À confirmer" in self.note


@dataclass(frozen=True)
class BassinInfo:
    id: int
    code: str
    name: str
    full_name: str
    typology: str
    description: str
    services: str
    position: int
    archived: bool
    version: int
    actions: int  # actions de la feuille de route qui s'y appliquent
    figures: tuple[FigureRow, ...]  # la situation la plus récente de chaque chiffre


def figure_keys(ctx: AppContext) -> list[FigureKey]:
    """Chiffres de référence déjà suivis pour les bassins (dans l'ordre du jeu initial)."""
    with ctx.store.session() as s:
        seen: dict[str, FigureKey] = {}
        for f in s.exec(
            select(ReferenceFigure)
            .where(col(ReferenceFigure.bassin_id).is_not(None))
            .order_by(col(ReferenceFigure.id))
        ).all():
            seen.setdefault(f.key, FigureKey(f.key, f.label, f.unit))
        return list(seen.values())


def list_bassins(
    ctx: AppContext, *, include_archived: bool = False, roadmap: str | int | None = None
) -> list[BassinInfo]:
    with ctx.store.session() as s:
        rm = resolve_roadmap(s, roadmap if roadmap is not None else ctx.roadmap_id)
        counts: dict[int, int] = {}
        for bassin_id in s.exec(
            select(ActionBassin.bassin_id)
            .join(Action, col(Action.id) == col(ActionBassin.action_id))
            .join(Cible, col(Cible.id) == col(Action.cible_id))
            .join(Axe, col(Axe.id) == col(Cible.axe_id))
            .where(
                Action.roadmap_id == rm.id,
                col(Action.archived).is_(False),
                col(Cible.archived).is_(False),
                col(Axe.archived).is_(False),
                col(ActionBassin.archived).is_(False),
            )
        ).all():
            counts[bassin_id] = counts.get(bassin_id, 0) + 1
        result = []
        for b in s.exec(select(Bassin).order_by(col(Bassin.position), col(Bassin.id))).all():
            if b.archived and not include_archived:
                continue
            assert b.id is not None
            result.append(
                BassinInfo(
                    id=b.id,
                    code=b.code,
                    name=b.name,
                    full_name=b.full_name,
                    typology=b.typology,
                    description=b.description,
                    services=b.services,
                    position=b.position,
                    archived=b.archived,
                    version=b.version,
                    actions=counts.get(b.id, 0),
                    figures=_latest_figures(s, b.id),
                )
            )
        return result


def _latest_figures(s: Session, bassin_id: int) -> tuple[FigureRow, ...]:
    latest: dict[str, FigureRow] = {}
    for f in s.exec(
        select(ReferenceFigure)
        .where(ReferenceFigure.bassin_id == bassin_id)
        .order_by(col(ReferenceFigure.as_of), col(ReferenceFigure.id))
    ).all():
        latest[f.key] = FigureRow(f.key, f.label, f.value, f.unit, f.as_of, f.note)
    return tuple(latest.values())


def parse_figure_value(text: str, what: str) -> float:
    """Nombre écrit à la française (« 5 012 », « 57,5 ») ; message clair sinon."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        raise ValidationError(
            f"Valeur « {text} » invalide pour {what} : nombre attendu (par exemple 1 234 ou 56,5)."
        ) from None


def suggested_territories(ctx: AppContext) -> list[str]:
    """Territoires du département qui ne sont pas encore des bassins (nom ou nom complet)."""
    with ctx.store.session() as s:
        known = [fold(f"{b.name} {b.full_name}") for b in s.exec(select(Bassin)).all()]
    return [t for t in TERRITOIRES if not any(fold(t) in k for k in known)]


def suggest_bassin_code(name: str, taken: set[str]) -> str:
    """« Arrageois » → ARR, « Hénin-Carvin » → HEN ; un chiffre est ajouté si le code est pris."""
    letters = "".join(ch for ch in fold(name) if ch.isalpha()).upper()
    base = (letters[:3] or "BAS").ljust(3, "X")
    code, n = base, 2
    while code in taken:
        code, n = f"{base}{n}", n + 1
    return code


def _figures(
    s: Session, figures: Sequence[FigureInput], as_of: date | None
) -> list[ReferenceFigure]:
    if not figures:
        return []
    if as_of is None:
        raise ValidationError(
            "Date de situation des chiffres de référence manquante (par exemple 31/12/2024)."
        )
    known = {
        f.key: f
        for f in s.exec(
            select(ReferenceFigure).where(col(ReferenceFigure.bassin_id).is_not(None))
        ).all()
    }
    rows = []
    for f in figures:
        ref = known.get(f.key)
        label = f.label or (ref.label if ref else None)
        unit = f.unit or (ref.unit if ref else None)
        if label is None or unit is None:
            keys = ", ".join(sorted(known))
            raise ValidationError(
                f"Chiffre de référence « {f.key} » inconnu : donnez son libellé et son unité, "
                f"ou utilisez une clé connue ({keys})."
            )
        if f.value < 0 or (unit == "%" and f.value > 100):
            limit = "de 0 à 100" if unit == "%" else "positive"
            raise ValidationError(f"{label} : valeur {f.value:g} invalide ({limit} attendue).")
        rows.append(
            ReferenceFigure(
                key=f.key,
                label=label,
                value=float(f.value),
                unit=unit,
                as_of=as_of,
                source="Saisi dans roadmap-app",
            )
        )
    return rows


def add_bassin(
    ctx: AppContext,
    name: str,
    *,
    code: str | None = None,
    full_name: str = "",
    typology: str = "",
    description: str = "",
    services: str = "",
    figures: Sequence[FigureInput] = (),
    as_of: date | None = None,
    actions: str | Sequence[str | int] = ALL_ACTIONS,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Ajoute un bassin, ses chiffres de référence datés (``as_of``) et les actions qui s'y
    appliquent dans la feuille de route (``"all"`` : toutes, ou une liste de codes ; elles partent
    « à lancer »)."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        text = check_length(
            required_text(name, "Le nom du bassin est vide."), NAME_MAX, "Nom du bassin"
        )
        every = s.exec(select(Bassin)).all()
        for b in every:
            if fold(b.name) == fold(text):
                hint = " (archivé : restaurez-le plutôt)" if b.archived else ""
                raise ValidationError(f"Le bassin « {b.name} » existe déjà{hint}.")
        taken = {b.code for b in every}
        new_code = normalize_code(code, "de bassin") if code else suggest_bassin_code(text, taken)
        if new_code in taken:
            raise ValidationError(f"Le code de bassin {new_code} est déjà pris.")
        figure_rows = _figures(s, figures, as_of)
        targets = _targets(s, rm, actions)
        bassin = Bassin(
            code=new_code,
            name=text,
            full_name=check_length(clean_text(full_name).strip(), FULL_NAME_MAX, "Nom complet"),
            typology=check_length(clean_text(typology).strip(), TYPOLOGY_MAX, "Typologie"),
            description=clean_text(description).strip(),
            services=clean_text(services).strip(),
            position=max((b.position for b in every), default=0) + 1,
            created_at=now(),
        )
        s.add(bassin)
        s.flush()
        assert bassin.id is not None
        op.created(bassin, "bassin", text)
        for row in figure_rows:
            row.bassin_id = bassin.id
            s.add(row)
        for action in targets:
            set_applicable(op, action, bassin, True)
        label = (
            f"Nouveau bassin {text} ({len(targets)} action(s), "
            f"{len(figure_rows)} chiffre(s) de référence)"
        )
        op.label = label
    return op.finish(out, entity_id=bassin.id, code=new_code)


def _targets(s: Session, rm: Roadmap, actions: str | Sequence[str | int]) -> list[Action]:
    live = [
        a
        for a in s.exec(
            select(Action).where(Action.roadmap_id == rm.id).order_by(col(Action.id))
        ).all()
        if action_is_live(s, a)
    ]
    if isinstance(actions, str):
        if actions == ALL_ACTIONS:
            return live
        if actions in ("", "none"):
            return []
        actions = [c for c in actions.replace(";", ",").split(",") if c.strip()]
    chosen = []
    for key in actions:
        found = find_action(s, rm, key)
        if not action_is_live(s, found):
            raise ValidationError(f"L'action {found.code} est archivée.")
        if found not in chosen:
            chosen.append(found)
    return chosen


def set_bassin_actions(
    ctx: AppContext,
    bassin: str | int,
    actions: str | Sequence[str | int],
    *,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Le bassin s'applique exactement à ces actions de la feuille de route (les autres deviennent
    « non applicables », sans perdre leur statut)."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        row = find_bassin_row(s, bassin)
        wanted = {a.id for a in _targets(s, rm, actions)}
        live = _targets(s, rm, ALL_ACTIONS)
        for action in live:
            set_applicable(op, action, row, action.id in wanted)
        label = f"Bassin {row.name} : {len(wanted)} action(s) applicable(s) sur {len(live)}"
        op.label = label
    return op.finish(out, entity_id=row.id, code=row.code)


def archive_bassin(
    ctx: AppContext,
    bassin: str | int,
    *,
    archived: bool = True,
    expected_version: int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Archive le bassin (sa colonne disparaît ; statuts et chiffres gardés) ou le restaure."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        row = find_bassin_row(s, bassin, include_archived=True)
        op.check_version(row, "bassin", row.name, expected_version)
        if row.archived == archived:
            raise ValidationError(
                f"Le bassin {row.name} " + ("est déjà archivé." if archived else "est actif.")
            )
        if archived and len(active_bassins(s)) <= 1:
            raise ValidationError(
                f"Impossible d'archiver {row.name} : c'est le dernier bassin actif."
            )
        op.update(row, "bassin", row.name, {"archived": archived})
        label = f"Bassin {row.name} {'archivé' if archived else 'restauré'}"
        op.label = label
    return op.finish(out, entity_id=row.id, code=row.code)
