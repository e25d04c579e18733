"""Briques communes de l'édition du plan : une opération journalisée et annulable, contrôle de
version, codes stables, positions, recherche des éléments par code.

Chaque service d'édition passe par l'exécuteur (``core.ops.operation``) avec une ``Operation`` :
il y fait ses modifications (chacune devient une ``FieldChange`` du journal) ; l'exécuteur
inscrit l'opération dans le journal et dans la pile « Annuler », et ``finish`` en tire le
résultat.

Rien n'est jamais supprimé : une création est journalisée comme le passage de ``archived``
de vrai à faux, si bien qu'annuler une création archive l'élément créé.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from db.errors import StaleDataError
from db.models import Action, Axe, Bassin, Cible, JournalEntry, Roadmap
from db.types import utcnow
from roadmap_app.core import journal, ops
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import NotFoundError, ValidationError
from roadmap_app.core.text import clean_text, fold
from roadmap_app.plan.read import find_bassin, resolve_roadmap

CODE_MAX = 20
_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]*$")

#: Désignation de chaque entité dans les messages : (article + nom, accord féminin).
_NOUNS: dict[str, tuple[str, bool]] = {
    "action": ("L'action", True),
    "cible": ("La cible", True),
    "axe": ("L'axe", False),
    "bassin": ("Le bassin", False),
    "roadmap": ("La feuille de route", True),
    "action_bassin": ("L'action", True),
}


@dataclass(frozen=True)
class EditResult:
    """Résultat d'une édition : opération journalisée (``None`` si rien n'a changé)."""

    operation_id: str | None
    label: str
    entity_id: int | None = None
    code: str = ""
    warnings: tuple[str, ...] = ()
    #: ce qui a changé, pour les vues (``core.ops``)
    changes: ops.OpChanges[None] | None = None


def designation(entity: str, label: str) -> str:
    noun, _fem = _NOUNS.get(entity, ("L'élément", False))
    return f"{noun} {label}"


def _modified(entity: str) -> str:
    return "modifiée" if _NOUNS.get(entity, ("", False))[1] else "modifié"


class Operation(ops.Op):
    """L'opération de l'exécuteur, avec les écritures versionnées du plan (messages par entité)."""

    # -- contrôle de version ----------------------------------------------------------
    def check_version(self, row: Any, entity: str, label: str, expected: int | None) -> None:
        """Refuse (``StaleDataError``) si la ligne a changé depuis la version lue par l'utilisateur."""
        if expected is None or row.version == expected:
            return
        who = self.last_change(entity, row.id)
        raise StaleDataError(
            f"{designation(entity, label)} a été {_modified(entity)}{who} depuis que vous l'avez "
            "ouverte. Vos modifications n'ont pas été enregistrées : rechargez et recommencez."
        )

    def last_change(self, entity: str, entity_id: int) -> str:
        entry = self.s.exec(
            select(JournalEntry)
            .where(JournalEntry.entity == entity, JournalEntry.entity_id == entity_id)
            .order_by(col(JournalEntry.id).desc())
        ).first()
        if entry is None:
            return " par un autre utilisateur"
        return f" par {entry.author} le {entry.ts.astimezone():%d/%m/%Y à %H:%M}"

    # -- écritures ----------------------------------------------------------------------
    def update(
        self,
        row: Any,
        entity: str,
        label: str,
        values: dict[str, Any],
        *,
        extra: dict[str, Any] | None = None,
        force_version: bool = False,
    ) -> list[str]:
        """Écrit les champs qui changent (une seule mise à jour, version + 1) et les journalise.

        ``extra`` : colonnes écrites sans être journalisées (horodatage) ; ``force_version`` :
        incrémente la version même sans champ modifié (liens modifiés à côté).
        """
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if not changed and not force_version:
            return []
        model = type(row)
        version = row.version
        written = {**changed, **(extra or {}), "version": version + 1}
        result = self.s.execute(
            update(model)
            .where(model.id == row.id, model.version == version)
            .values(**written)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleDataError(
                f"{designation(entity, label)} vient d'être {_modified(entity)} ailleurs : "
                "rechargez et recommencez."
            )
        for name in changed:
            self.changes.append(
                journal.FieldChange(entity, row.id, label, name, getattr(row, name), changed[name])
            )
        for name, value in written.items():
            set_committed_value(row, name, value)
        return list(changed)

    def created(self, row: Any, entity: str, label: str) -> None:
        """Journalise une création : ``archived`` passe de vrai à faux (l'annuler archive)."""
        self.changes.append(journal.FieldChange(entity, row.id, label, "archived", True, False))

    def add_change(
        self, entity: str, entity_id: int, label: str, field: str, old: Any, new: Any
    ) -> None:
        self.changes.append(journal.FieldChange(entity, entity_id, label, field, old, new))

    def finish(
        self, out: ops.Outcome, *, entity_id: int | None = None, code: str = ""
    ) -> EditResult:
        """Après la transaction : le résultat (opération journalisée, ce qui a changé)."""
        changes = out.changes
        assert changes is not None
        return EditResult(
            changes.operation_id, changes.label, entity_id, code, tuple(self.warnings), changes
        )


def now() -> Any:
    return utcnow()


# -- validation -------------------------------------------------------------------------
def normalize_code(text: str, what: str) -> str:
    code = (text or "").strip().upper()
    if not code:
        raise ValidationError(f"Le code {what} est vide.")
    if len(code) > CODE_MAX or not _CODE_RE.match(code):
        raise ValidationError(
            f"Code {what} « {text.strip()} » invalide : lettres, chiffres, points et tirets "
            f"uniquement, {CODE_MAX} caractères au plus (par exemple EP-2.3)."
        )
    return code


def required_text(value: str | None, message: str) -> str:
    text = clean_text(value or "").strip()
    if not text:
        raise ValidationError(message)
    return text


def check_length(value: str, limit: int, what: str) -> str:
    if len(value) > limit:
        raise ValidationError(f"{what} trop long : {len(value)} caractères pour {limit} au plus.")
    return value


def next_code(existing: Iterable[str], prefix: str) -> str:
    """Premier numéro libre après le plus grand déjà pris : « EP-2. » → « EP-2.3 »."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    numbers = [int(m[1]) for c in existing if (m := pattern.match(c))]
    return f"{prefix}{max(numbers, default=0) + 1}"


def ordered_positions(siblings: Sequence[Any], moved: Any, before: Any | None) -> dict[int, int]:
    """Positions 1..n des frères une fois ``moved`` placé avant ``before`` (``None`` : à la fin)."""
    order = [r for r in siblings if r.id != moved.id]
    index = len(order)
    if before is not None:
        for i, r in enumerate(order):
            if r.id == before.id:
                index = i
                break
    order.insert(index, moved)
    return {r.id: i for i, r in enumerate(order, 1)}


def apply_positions(
    op: Operation, rows: Sequence[Any], positions: dict[int, int], entity: str
) -> None:
    for r in rows:
        if r.id in positions and r.position != positions[r.id]:
            op.update(r, entity, r.code, {"position": positions[r.id]})


# -- recherche --------------------------------------------------------------------------
def roadmap_of(ctx: AppContext, s: Session, roadmap: str | int | None) -> Roadmap:
    rm = resolve_roadmap(s, roadmap if roadmap is not None else ctx.roadmap_id)
    if rm.archived:
        raise ValidationError(
            f"La feuille de route « {rm.name} » est archivée : elle ne peut plus être modifiée."
        )
    return rm


def find_action(s: Session, rm: Roadmap, key: str | int) -> Action:
    if isinstance(key, int):
        found = s.get(Action, key)
        if found is not None and found.roadmap_id == rm.id:
            return found
    else:
        code = key.strip().upper()
        hit = s.exec(select(Action).where(Action.roadmap_id == rm.id, Action.code == code)).first()
        if hit is not None:
            return hit
    raise NotFoundError(f"Action « {key} » inconnue dans « {rm.name} ».")


def find_cible(s: Session, rm: Roadmap, key: str | int) -> Cible:
    if isinstance(key, int):
        found = s.get(Cible, key)
        if found is not None and found.roadmap_id == rm.id:
            return found
    else:
        code = key.strip().upper()
        hit = s.exec(select(Cible).where(Cible.roadmap_id == rm.id, Cible.code == code)).first()
        if hit is not None:
            return hit
    raise NotFoundError(
        f"Cible « {key} » inconnue dans « {rm.name} » (code attendu, par exemple EP-2)."
    )


def find_axe(s: Session, rm: Roadmap, key: str | int) -> Axe:
    axes = s.exec(select(Axe).where(Axe.roadmap_id == rm.id).order_by(col(Axe.position))).all()
    if isinstance(key, int):
        for a in axes:
            if a.id == key:
                return a
    else:
        k = fold(key.strip())
        for a in axes:
            if k in (fold(a.code), fold(a.title)):
                return a
    names = ", ".join(f"{a.code} ({a.title})" for a in axes if not a.archived)
    raise NotFoundError(f"Axe « {key} » inconnu dans « {rm.name} ». Axes : {names}.")


def find_bassin_row(s: Session, key: str | int, *, include_archived: bool = False) -> Bassin:
    bassins = [
        b
        for b in s.exec(select(Bassin).order_by(col(Bassin.position), col(Bassin.id))).all()
        if include_archived or not b.archived
    ]
    return find_bassin(bassins, key)


def cible_is_live(s: Session, cible: Cible) -> bool:
    axe = s.get(Axe, cible.axe_id)
    return not cible.archived and axe is not None and not axe.archived


def action_is_live(s: Session, action: Action) -> bool:
    cible = s.get(Cible, action.cible_id)
    return not action.archived and cible is not None and cible_is_live(s, cible)


def refuse_if_hidden(s: Session, action: Action) -> None:
    if not action_is_live(s, action):
        raise ValidationError(
            f"L'action {action.code} est archivée (ou sa cible, ou son axe) : "
            "restaurez-la avant de la modifier."
        )
