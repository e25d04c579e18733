"""Édition de la structure du plan : cibles opérationnelles et axes (créer, renommer, déplacer,
réordonner, archiver, restaurer). Une seule opération journalisée et annulable par appel.

Archiver une cible (ou un axe) ne touche pas ses actions : elles quittent les vues de travail
avec elle et reviennent telles quelles quand on la restaure.
"""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from db.models import Axe, Cible, Roadmap
from roadmap_app.core import ops
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import ValidationError
from roadmap_app.core.text import fold
from roadmap_app.plan.editing import (
    EditResult,
    Operation,
    apply_positions,
    check_length,
    find_axe,
    find_cible,
    next_code,
    normalize_code,
    ordered_positions,
    required_text,
    roadmap_of,
)

AXE_TITLE_MAX = 300
_STOP_WORDS = {"des", "les", "aux", "pour", "avec", "dans", "une", "sur", "par", "entre"}


def _live_cibles(s: Session, axe_id: int) -> list[Cible]:
    return list(
        s.exec(
            select(Cible)
            .where(Cible.axe_id == axe_id, col(Cible.archived).is_(False))
            .order_by(col(Cible.position), col(Cible.id))
        ).all()
    )


def _live_axes(s: Session, roadmap_id: int) -> list[Axe]:
    return list(
        s.exec(
            select(Axe)
            .where(Axe.roadmap_id == roadmap_id, col(Axe.archived).is_(False))
            .order_by(col(Axe.position), col(Axe.id))
        ).all()
    )


def _live_axe(s: Session, rm: Roadmap, key: str | int) -> Axe:
    axe = find_axe(s, rm, key)
    if axe.archived:
        raise ValidationError(f"L'axe {axe.code} est archivé : restaurez-le d'abord.")
    return axe


def _cible_code_free(s: Session, rm: Roadmap, code: str, cible_id: int | None) -> None:
    other = s.exec(select(Cible).where(Cible.roadmap_id == rm.id, Cible.code == code)).first()
    if other is not None and other.id != cible_id:
        state = " (archivée)" if other.archived else ""
        raise ValidationError(
            f"Le code {code} est déjà pris dans « {rm.name} » par une autre cible{state}."
        )


def _axe_code_free(s: Session, rm: Roadmap, code: str, axe_id: int | None) -> None:
    other = s.exec(select(Axe).where(Axe.roadmap_id == rm.id, Axe.code == code)).first()
    if other is not None and other.id != axe_id:
        state = " (archivé)" if other.archived else ""
        raise ValidationError(
            f"Le code {code} est déjà pris dans « {rm.name} » par un autre axe{state}."
        )


def _cible_title(title: str | None) -> str:
    return required_text(title, "Le titre de la cible opérationnelle est vide.")


def _axe_title(title: str | None) -> str:
    text = required_text(title, "Le titre de l'axe est vide.")
    return check_length(text, AXE_TITLE_MAX, "Titre de l'axe")


def suggest_axe_code(title: str, taken: set[str]) -> str:
    """« Entrée en parcours » → EP, « Numérique » → NU ; un chiffre est ajouté si le code est pris."""
    words = [w for w in re.findall(r"[a-z]+", fold(title)) if len(w) >= 3]
    words = [w for w in words if w not in _STOP_WORDS] or words
    if not words:
        base = "AX"
    elif len(words) == 1:
        base = words[0][:2].upper()
    else:
        base = (words[0][0] + words[1][0]).upper()
    code, n = base, 2
    while code in taken:
        code, n = f"{base}{n}", n + 1
    return code


# -- cibles -----------------------------------------------------------------------------
def create_cible(
    ctx: AppContext,
    axe: str | int,
    title: str,
    *,
    code: str | None = None,
    before: str | int | None = None,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Ajoute une cible opérationnelle à l'axe (code par défaut : EP-5 après EP-4)."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        parent = _live_axe(s, rm, axe)
        assert rm.id is not None and parent.id is not None
        text = _cible_title(title)
        if code:
            new_code = normalize_code(code, "de cible")
        else:
            taken = s.exec(select(Cible.code).where(Cible.roadmap_id == rm.id)).all()
            new_code = next_code(taken, f"{parent.code}-")
        _cible_code_free(s, rm, new_code, None)
        siblings = _live_cibles(s, parent.id)
        anchor = None if before is None else _cible_in(s, rm, before, parent)
        cible = Cible(
            roadmap_id=rm.id,
            axe_id=parent.id,
            code=new_code,
            title=text,
            position=len(siblings) + 1,
            source=f"Saisie dans roadmap-app par {op.author}",
        )
        s.add(cible)
        s.flush()
        assert cible.id is not None
        op.created(cible, "cible", new_code)
        if anchor is not None:
            positions = ordered_positions(siblings, cible, anchor)
            apply_positions(op, siblings, positions, "cible")
            cible.position = positions[cible.id]
        label = f"Nouvelle cible {new_code} : {text[:80]}"
        op.label = label
    return op.finish(out, entity_id=cible.id, code=new_code)


def _cible_in(s: Session, rm: Roadmap, key: str | int, axe: Axe) -> Cible:
    found = find_cible(s, rm, key)
    if found.axe_id != axe.id or found.archived:
        raise ValidationError(f"La cible {found.code} n'est pas dans l'axe {axe.code}.")
    return found


def edit_cible(
    ctx: AppContext,
    cible: str | int,
    *,
    title: str | None = None,
    code: str | None = None,
    axe: str | int | None = None,
    expected_version: int | None = None,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Renomme la cible, change son code, ou la rattache à un autre axe (à la fin de celui-ci)."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        row = find_cible(s, rm, cible)
        _refuse_archived(
            row.archived, f"La cible {row.code} est archivée : restaurez-la avant de la modifier."
        )
        op.check_version(row, "cible", row.code, expected_version)
        values: dict[str, object] = {}
        if title is not None:
            values["title"] = _cible_title(title)
        if code is not None:
            values["code"] = normalize_code(code, "de cible")
            _cible_code_free(s, rm, str(values["code"]), row.id)
        if axe is not None:
            parent = _live_axe(s, rm, axe)
            assert parent.id is not None
            if parent.id != row.axe_id:
                values["axe_id"] = parent.id
                values["position"] = len(_live_cibles(s, parent.id)) + 1
        new_code = str(values.get("code", row.code))
        changed = op.update(row, "cible", new_code, values)
        label = f"Cible {new_code} modifiée" if changed else new_code
        op.label = label
    return op.finish(out, entity_id=row.id, code=new_code)


def move_cible(
    ctx: AppContext,
    cible: str | int,
    axe: str | int,
    *,
    before: str | int | None = None,
    expected_version: int | None = None,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Place la cible dans l'axe, avant la cible ``before`` (``None`` : à la fin). Les codes restent."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        row = find_cible(s, rm, cible)
        _refuse_archived(
            row.archived, f"La cible {row.code} est archivée : restaurez-la avant de la modifier."
        )
        op.check_version(row, "cible", row.code, expected_version)
        parent = _live_axe(s, rm, axe)
        assert parent.id is not None and row.id is not None
        anchor = None if before is None else _cible_in(s, rm, before, parent)
        if anchor is not None and anchor.id == row.id:
            return EditResult(None, f"Cible {row.code} : aucun déplacement", row.id, row.code)
        siblings = _live_cibles(s, parent.id)
        positions = ordered_positions(siblings, row, anchor)
        other_axe = parent.id != row.axe_id
        op.update(row, "cible", row.code, {"axe_id": parent.id, "position": positions[row.id]})
        apply_positions(op, [c for c in siblings if c.id != row.id], positions, "cible")
        where = "vers l'axe" if other_axe else "dans l'axe"
        label = f"Cible {row.code} déplacée {where} {parent.code}"
        op.label = label
    return op.finish(out, entity_id=row.id, code=row.code)


def archive_cible(
    ctx: AppContext,
    cible: str | int,
    *,
    archived: bool = True,
    expected_version: int | None = None,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Archive la cible (ses actions disparaissent avec elle des vues de travail) ou la restaure."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        row = find_cible(s, rm, cible)
        op.check_version(row, "cible", row.code, expected_version)
        if row.archived == archived:
            raise ValidationError(
                f"La cible {row.code} "
                + ("est déjà archivée." if archived else "n'est pas archivée.")
            )
        parent = s.get(Axe, row.axe_id)
        if not archived and (parent is None or parent.archived):
            raise ValidationError(
                f"La cible {row.code} est dans un axe archivé : restaurez d'abord l'axe."
            )
        op.update(row, "cible", row.code, {"archived": archived})
        label = f"Cible {row.code} {'archivée' if archived else 'restaurée'}"
        op.label = label
    return op.finish(out, entity_id=row.id, code=row.code)


# -- axes -------------------------------------------------------------------------------
def create_axe(
    ctx: AppContext,
    title: str,
    *,
    code: str | None = None,
    before: str | int | None = None,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Ajoute un axe (code par défaut tiré du titre : « Insertion par l'emploi » → IE)."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        assert rm.id is not None
        text = _axe_title(title)
        taken = set(s.exec(select(Axe.code).where(Axe.roadmap_id == rm.id)).all())
        new_code = normalize_code(code, "d'axe") if code else suggest_axe_code(text, taken)
        _axe_code_free(s, rm, new_code, None)
        siblings = _live_axes(s, rm.id)
        anchor = None if before is None else _live_axe(s, rm, before)
        row = Axe(
            roadmap_id=rm.id,
            code=new_code,
            title=text,
            position=len(siblings) + 1,
            source=f"Saisie dans roadmap-app par {op.author}",
        )
        s.add(row)
        s.flush()
        assert row.id is not None
        op.created(row, "axe", new_code)
        if anchor is not None:
            positions = ordered_positions(siblings, row, anchor)
            apply_positions(op, siblings, positions, "axe")
            row.position = positions[row.id]
        label = f"Nouvel axe {new_code} : {text[:80]}"
        op.label = label
    return op.finish(out, entity_id=row.id, code=new_code)


def edit_axe(
    ctx: AppContext,
    axe: str | int,
    *,
    title: str | None = None,
    code: str | None = None,
    expected_version: int | None = None,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        row = find_axe(s, rm, axe)
        _refuse_archived(
            row.archived, f"L'axe {row.code} est archivé : restaurez-le avant de le modifier."
        )
        op.check_version(row, "axe", row.code, expected_version)
        values: dict[str, object] = {}
        if title is not None:
            values["title"] = _axe_title(title)
        if code is not None:
            values["code"] = normalize_code(code, "d'axe")
            _axe_code_free(s, rm, str(values["code"]), row.id)
        new_code = str(values.get("code", row.code))
        changed = op.update(row, "axe", new_code, values)
        label = f"Axe {new_code} modifié" if changed else new_code
        op.label = label
    return op.finish(out, entity_id=row.id, code=new_code)


def move_axe(
    ctx: AppContext,
    axe: str | int,
    *,
    before: str | int | None = None,
    expected_version: int | None = None,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Place l'axe avant l'axe ``before`` (``None`` : en dernier)."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        row = _live_axe(s, rm, axe)
        assert rm.id is not None and row.id is not None
        op.check_version(row, "axe", row.code, expected_version)
        anchor = None if before is None else _live_axe(s, rm, before)
        if anchor is not None and anchor.id == row.id:
            return EditResult(None, f"Axe {row.code} : aucun déplacement", row.id, row.code)
        siblings = _live_axes(s, rm.id)
        apply_positions(op, siblings, ordered_positions(siblings, row, anchor), "axe")
        label = f"Axe {row.code} déplacé"
        op.label = label
    return op.finish(out, entity_id=row.id, code=row.code)


def archive_axe(
    ctx: AppContext,
    axe: str | int,
    *,
    archived: bool = True,
    expected_version: int | None = None,
    roadmap: str | int | None = None,
    author: str | None = None,
    source: str = "gui",
    record_undo: bool = True,
) -> EditResult:
    """Archive l'axe (ses cibles et actions quittent les vues de travail avec lui) ou le restaure."""
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        rm = roadmap_of(ctx, s, roadmap)
        row = find_axe(s, rm, axe)
        op.check_version(row, "axe", row.code, expected_version)
        if row.archived == archived:
            raise ValidationError(
                f"L'axe {row.code} " + ("est déjà archivé." if archived else "n'est pas archivé.")
            )
        op.update(row, "axe", row.code, {"archived": archived})
        label = f"Axe {row.code} {'archivé' if archived else 'restauré'}"
        op.label = label
    return op.finish(out, entity_id=row.id, code=row.code)


def _refuse_archived(archived: bool, message: str) -> None:
    if archived:
        raise ValidationError(message)
