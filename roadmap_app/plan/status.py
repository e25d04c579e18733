"""Mise à jour du statut, de l'avancement et de la note d'une action dans un bassin (journalisée)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from db.errors import StaleDataError
from db.models import Action, ActionBassin, Axe, Bassin, Cible
from db.types import utcnow
from roadmap_app.core import journal, ops
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import NotFoundError, ValidationError
from roadmap_app.core.text import clean_text
from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.read import find_bassin, resolve_roadmap

UNSET: Any = object()


@dataclass(frozen=True)
class StatusUpdate:
    operation_id: str | None  # None : rien n'a changé
    label: str
    changed: tuple[str, ...]
    #: ce qui a changé, pour les vues (domaine « statuses », actions touchées)
    changes: ops.OpChanges[None] | None = None


def validate_progress(value: Any) -> int | None:
    """Entier de 0 à 100 (« 40 », « 40 % », 40, 40.0) ; vide ou ``None`` : avancement non renseigné."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*%?\s*", value):
        number = int(value.strip().rstrip("%").strip())
    if number is None:
        raise ValidationError(
            f"Avancement « {value} » invalide : un entier de 0 à 100 est attendu."
        )
    if not 0 <= number <= 100:
        raise ValidationError(
            f"Avancement {number} % hors limites : il doit être compris entre 0 et 100."
        )
    return number


@dataclass(frozen=True)
class CellChange:
    """Modification demandée pour un bassin ; ``UNSET`` / ``None`` : champ inchangé."""

    bassin: str | int
    status: str | None = None
    progress: Any = UNSET
    note: str | None = None
    expected_version: int | None = None
    #: Valeurs lues quand l'utilisateur a ouvert l'action (``status``, ``progress``, ``note``) :
    #: si la cellule a changé depuis, la règle est alors celle de la fusion des ateliers, champ
    #: par champ (seul un champ modifié des deux côtés est refusé). Sans elle, toute modification
    #: depuis ``expected_version`` est refusée.
    base: dict[str, Any] | None = None


def update_status(
    ctx: AppContext,
    code: str,
    bassin: str | int,
    *,
    status: str | None = None,
    progress: Any = UNSET,
    note: str | None = None,
    expected_version: int | None = None,
    roadmap: str | int | None = None,
    source: str = "gui",
    author: str | None = None,
    record_undo: bool = True,
    atelier_id: int | None = None,
    base: dict[str, Any] | None = None,
) -> StatusUpdate:
    """Change statut / avancement / note d'une action dans un bassin ; voir ``update_statuses``."""
    return update_statuses(
        ctx,
        code,
        [CellChange(bassin, status, progress, note, expected_version, base)],
        roadmap=roadmap,
        source=source,
        author=author,
        record_undo=record_undo,
        atelier_id=atelier_id,
    )


def update_statuses(
    ctx: AppContext,
    code: str,
    changes: list[CellChange],
    *,
    roadmap: str | int | None = None,
    source: str = "gui",
    author: str | None = None,
    record_undo: bool = True,
    atelier_id: int | None = None,
) -> StatusUpdate:
    """Change statut / avancement / note d'une action dans un ou plusieurs bassins.

    Une seule transaction et une seule opération journalisée (donc un seul « Annuler »).
    Lève ``NotFoundError`` / ``ValidationError`` (rien n'est écrit) ou ``StaleDataError`` si une
    cellule a été modifiée depuis la version lue (``expected_version``) sur un des champs que
    l'utilisateur change (règle par champ quand ``CellChange.base`` est donné).
    """
    parsed = [
        (
            ch,
            None if ch.status is None else status_rules.parse_status(ch.status).value,
            UNSET if ch.progress is UNSET else validate_progress(ch.progress),
        )
        for ch in changes
    ]
    who = (author or "").strip() or ctx.author
    out = ops.Outcome()
    described: list[str] = []
    with ops.operation(
        ctx, author=who, source=source, record_undo=record_undo, atelier_id=atelier_id, outcome=out
    ) as op:
        s = op.session
        rm = resolve_roadmap(s, roadmap if roadmap is not None else ctx.roadmap_id)
        action = s.exec(
            select(Action).where(Action.roadmap_id == rm.id, Action.code == code.strip())
        ).first()
        if action is None:
            raise NotFoundError(f"Action « {code} » inconnue dans « {rm.name} ».")
        if action.archived or _in_archived_group(s, action):
            raise ValidationError(
                f"L'action {action.code} est archivée : restaurez-la avant de modifier son statut."
            )
        for ch, new_status, new_progress in parsed:
            b = _find_bassin(s, ch.bassin)
            cell = s.exec(
                select(ActionBassin).where(
                    ActionBassin.action_id == action.id, ActionBassin.bassin_id == b.id
                )
            ).first()
            if cell is None or cell.archived:
                raise ValidationError(
                    f"L'action {action.code} ne s'applique pas au bassin {b.name}."
                )
            note = None if ch.note is None else clean_text(ch.note).strip()
            wanted: dict[str, Any] = {}
            if new_status is not None:
                wanted["status"] = new_status
            if new_progress is not UNSET:
                wanted["progress"] = new_progress
            if note is not None:
                wanted["note"] = note
            if ch.expected_version is not None and cell.version != ch.expected_version:
                wanted = _field_rule(s, action, b, cell, ch, wanted)
            values: dict[str, Any] = {k: v for k, v in wanted.items() if v != getattr(cell, k)}
            if "note" in values:
                values["note_date"] = ctx.today() if values["note"] else None
            if not values:
                continue
            label = f"{action.code} / {b.name}"
            old = {k: getattr(cell, k) for k in values}
            values.update(updated_at=utcnow(), updated_by=who, version=cell.version + 1)
            result = s.execute(
                update(ActionBassin)
                .where(col(ActionBassin.id) == cell.id, col(ActionBassin.version) == cell.version)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise StaleDataError(
                    f"L'action {label} vient d'être modifiée ailleurs : rechargez et recommencez."
                )
            assert cell.id is not None
            op.extend(
                journal.FieldChange("action_bassin", cell.id, label, f, old[f], values[f])
                for f in old
            )
            described.append(_describe(label, old, values))
        op.label = " ; ".join(described) or action.code
    done = out.changes
    assert done is not None
    fields = tuple(sorted({c.field for c in op.changes}))
    return StatusUpdate(done.operation_id, done.label, fields, done)


def _field_rule(
    s: Any, action: Action, b: Bassin, cell: ActionBassin, ch: CellChange, wanted: dict[str, Any]
) -> dict[str, Any]:
    """La cellule a changé depuis que l'utilisateur l'a lue : règle de la fusion des ateliers.

    Seuls comptent les champs que l'utilisateur a changés (différents de ce qu'il avait lu) ; les
    autres gardent la valeur enregistrée entre-temps. Un champ changé des deux côtés (vers des
    valeurs différentes) est refusé, avec qui l'a changé, quand et comment."""
    if ch.base is None:
        raise StaleDataError(
            f"L'action {action.code} ({b.name}) a été modifiée par "
            f"{cell.updated_by or 'un autre utilisateur'}{_when(cell)} depuis que vous l'avez ouverte. "
            "Vos modifications n'ont pas été enregistrées : rechargez l'action et recommencez."
        )
    mine = {k: v for k, v in wanted.items() if v != ch.base.get(k)}
    clashes = [k for k, v in mine.items() if getattr(cell, k) not in (ch.base.get(k), v)]
    if clashes:
        assert cell.id is not None
        what = f"L'action {action.code} ({b.name})"
        raise journal.same_field_conflict(
            s, "action_bassin", cell.id, what, clashes, value_label=_shown_value
        )
    return mine


def _shown_value(field: str, value: Any) -> Any:
    return status_rules.label(value) if field == "status" else value


def _in_archived_group(s, action: Action) -> bool:  # type: ignore[no-untyped-def]
    cible = s.get(Cible, action.cible_id)
    return cible is None or cible.archived or s.get(Axe, cible.axe_id).archived


def _when(cell: ActionBassin) -> str:
    if cell.updated_at is None:
        return ""
    local = cell.updated_at.astimezone()
    return f" le {local:%d/%m/%Y à %H:%M}"


def _describe(label: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    parts = []
    if "status" in old:
        parts.append(
            f"statut {status_rules.label(old['status'])} → {status_rules.label(new['status'])}"
        )
    if "progress" in old:
        parts.append(f"avancement {_pct(old['progress'])} → {_pct(new['progress'])}")
    if "note" in old:
        parts.append("note")
    return f"{label} : " + ", ".join(parts)


def _pct(v: int | None) -> str:
    return "—" if v is None else f"{v} %"


def _find_bassin(s, key: str | int) -> Bassin:  # type: ignore[no-untyped-def]
    rows = s.exec(select(Bassin).order_by(col(Bassin.position))).all()
    found: Bassin = find_bassin([b for b in rows if not b.archived], key)
    return found
