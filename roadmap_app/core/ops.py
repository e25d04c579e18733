"""Le seul chemin d'écriture des modifications de l'utilisateur (sur le modèle du ``CollectionOp``
/ ``OpChanges`` d'Anki).

Une opération est une fonction ``fn(op)`` exécutée par ``run_op`` (ou le bloc ``with
operation(...) as op``, la même chose) qui :

1. valide (``validate``, avant d'ouvrir la transaction ; une ``ValidationError`` levée par ``fn``
   annule aussi tout) ;
2. écrit dans **une** transaction (``op.session``) : une erreur, quelle qu'elle soit, n'en laisse
   rien ;
3. inscrit au journal les ``FieldChange`` collectées (``op.add`` / ``op.change``), sous un seul
   identifiant d'opération ;
4. inscrit l'opération dans la pile « Annuler » (une seule fois, après validation de la
   transaction) ;
5. renvoie ``OpChanges`` : ce qui a changé (domaines, actions), pour que l'interface ne relise que
   les vues concernées.

Annuler et rétablir (``undo_last`` / ``redo_last``) passent par le même exécuteur : l'opération
inverse est journalisée elle aussi, et ses ``OpChanges`` disent quelles vues relire.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from roadmap_app.core.context import AppContext

if TYPE_CHECKING:
    from sqlmodel import Session

    from roadmap_app.core.journal import FieldChange

T = TypeVar("T")

# domaines (constantes dans core/domains.py : l'interface les lit au démarrage sans charger l'exécuteur)
from roadmap_app.core.domains import (  # noqa: E402
    ALL_DOMAINS,
    ENTITY_DOMAINS,
    FINANCE,
    FLOWS,
    PLAN,
    SNAPSHOTS,
    STATUSES,
    WORKSHOPS,
)

__all__ = [
    "ALL_DOMAINS", "ENTITY_DOMAINS", "FINANCE", "FLOWS", "PLAN", "RESTORED", "SNAPSHOTS", "STATUSES",
    "WORKSHOPS", "Op", "OpChanges", "Outcome", "forget_history", "operation", "redo_last", "revert",
    "run_op", "undo_last",
]  # fmt: skip


@dataclass(frozen=True)
class OpChanges(Generic[T]):
    """Ce qu'une opération a changé. ``operation_id`` : ``None`` si rien n'a été journalisé."""

    label: str
    operation_id: str | None = None
    domains: frozenset[str] = frozenset()
    action_ids: frozenset[int] = frozenset()
    #: valeur renvoyée par la fonction de l'opération (résultat propre au service)
    value: T | None = None

    @property
    def changed(self) -> bool:
        return bool(self.domains)

    def touches(self, *domains: str) -> bool:
        return not self.domains.isdisjoint(domains)


@dataclass
class _Extra:
    changes: list[FieldChange]
    author: str
    label: str
    ts: datetime | None
    atelier_id: int | None


class Op:
    """La poignée de l'opération en cours : la transaction ouverte et ce qu'elle change."""

    def __init__(
        self,
        session: Session,
        ctx: AppContext,
        *,
        label: str,
        author: str | None,
        source: str,
    ) -> None:
        self.session = self.s = session
        self.ctx = ctx
        #: libellé de l'opération (journal, « Annuler : … ») ; la fonction peut le préciser
        self.label = label
        self.author = (author or "").strip() or ctx.author
        self.source = source
        self.changes: list[FieldChange] = []
        self.warnings: list[str] = []
        self.domains: set[str] = set()
        self.action_ids: set[int] = set()
        self._extra: list[_Extra] = []
        self._operation_id: str | None = None

    @property
    def operation_id(self) -> str:
        """Identifiant sous lequel l'opération sera journalisée (réservé dès la première
        demande : une ligne écrite dans la même transaction peut le citer)."""
        if self._operation_id is None:
            from roadmap_app.core.journal import new_operation_id

            self._operation_id = new_operation_id()
        return self._operation_id

    # -- ce qui change --------------------------------------------------------------------
    def add(self, *changes: FieldChange) -> None:
        self.changes.extend(changes)

    def extend(self, changes: Iterable[FieldChange]) -> None:
        self.changes.extend(changes)

    def change(
        self, entity: str, entity_id: int, label: str, field: str, old: Any, new: Any
    ) -> None:
        from roadmap_app.core.journal import FieldChange

        self.changes.append(FieldChange(entity, entity_id, label, field, old, new))

    def record_as(
        self,
        changes: list[FieldChange],
        *,
        author: str,
        label: str,
        ts: datetime | None = None,
        atelier_id: int | None = None,
    ) -> None:
        """Entrées de la même opération avec leur propre auteur, date et libellé (fusion d'un
        paquet d'atelier : chaque valeur garde qui l'a saisie et quand)."""
        self._extra.append(_Extra(list(changes), author, label, ts, atelier_id))

    def touch(self, *domains: str, actions: Iterable[int] = ()) -> None:
        """Déclare un changement que le journal ne porte pas (instantané, fusion, moyens…)."""
        self.domains.update(domains)
        self.action_ids.update(actions)

    @property
    def journaled(self) -> bool:
        return bool(self.changes or self._extra)


OpT = TypeVar("OpT", bound=Op)


@dataclass
class Outcome:
    """Rempli à la sortie du bloc ``operation`` : ``changes`` n'existe qu'après validation."""

    op: Op | None = None
    changes: OpChanges[Any] | None = field(default=None)


@overload
def operation(
    ctx: AppContext,
    label: str = "",
    *,
    author: str | None = None,
    source: str | None = None,
    record_undo: bool = True,
    atelier_id: int | None = None,
    reverts: str | None = None,
    op_class: None = None,
    outcome: Outcome | None = None,
) -> AbstractContextManager[Op]: ...
@overload
def operation(
    ctx: AppContext,
    label: str = "",
    *,
    author: str | None = None,
    source: str | None = None,
    record_undo: bool = True,
    atelier_id: int | None = None,
    reverts: str | None = None,
    op_class: type[OpT],
    outcome: Outcome | None = None,
) -> AbstractContextManager[OpT]: ...
def operation(
    ctx: AppContext,
    label: str = "",
    *,
    author: str | None = None,
    source: str | None = None,
    record_undo: bool = True,
    atelier_id: int | None = None,
    reverts: str | None = None,
    op_class: type[Op] | None = None,
    outcome: Outcome | None = None,
) -> AbstractContextManager[Op]:
    """Le bloc de l'exécuteur ; ``run_op`` en est la forme fonction. ``outcome.changes`` reçoit
    les ``OpChanges`` une fois la transaction validée ; ``op_class`` : une sous-classe d'``Op``
    qui ajoute les écritures propres à une fonctionnalité (``plan.editing.Operation``)."""
    return _operation(
        ctx, label, author, source, record_undo, atelier_id, reverts, op_class or Op, outcome
    )


@contextmanager
def _operation(
    ctx: AppContext,
    label: str,
    author: str | None,
    source: str | None,
    record_undo: bool,
    atelier_id: int | None,
    reverts: str | None,
    op_class: type[Op],
    outcome: Outcome | None,
) -> Iterator[Op]:
    from roadmap_app.core import journal

    op_id: str | None = None
    with ctx.store.transaction() as s:
        op = op_class(s, ctx, label=label, author=author, source=source or ctx.origin)
        if outcome is not None:
            outcome.op = op
        yield op
        if op.journaled:
            op_id = op.operation_id
            # toutes les entrées de l'opération en une insertion (une fusion d'atelier en a
            # 2 000, chacune avec son auteur et son heure)
            found = journal.rows(
                op.changes, author=op.author, label=op.label, source=op.source,
                operation_id=op_id, reverts=reverts, atelier_id=atelier_id,
            )  # fmt: skip
            for extra in op._extra:
                found += journal.rows(
                    extra.changes, author=extra.author, label=extra.label, source=op.source,
                    operation_id=op_id, reverts=reverts, ts=extra.ts,
                    atelier_id=extra.atelier_id if extra.atelier_id is not None else atelier_id,
                )  # fmt: skip
            journal.write_rows(s, found)
            all_changes = op.changes + [c for e in op._extra for c in e.changes]
            op.domains.update(ENTITY_DOMAINS.get(c.entity, PLAN) for c in all_changes)
            op.action_ids.update(_action_ids(s, all_changes))
    if op_id is not None and record_undo:
        ctx.undo.push(op_id, op.label)
    if outcome is not None:
        outcome.changes = OpChanges(
            op.label, op_id, frozenset(op.domains), frozenset(op.action_ids)
        )


def run_op(
    ctx: AppContext,
    label: str,
    fn: Callable[[Op], T],
    *,
    validate: Callable[[], None] | None = None,
    author: str | None = None,
    source: str | None = None,
    record_undo: bool = True,
    atelier_id: int | None = None,
    reverts: str | None = None,
) -> OpChanges[T]:
    """Exécute ``fn(op)`` : valide, écrit en une transaction, journalise, inscrit « Annuler »,
    renvoie ce qui a changé (``value`` : ce que ``fn`` renvoie)."""
    if validate is not None:
        validate()
    out = Outcome()
    with operation(
        ctx, label, author=author, source=source, record_undo=record_undo,
        atelier_id=atelier_id, reverts=reverts, outcome=out,
    ) as op:  # fmt: skip
        value = fn(op)
    assert out.changes is not None
    c = out.changes
    return OpChanges(c.label, c.operation_id, c.domains, c.action_ids, value)


def _action_ids(s: Session, changes: list[FieldChange]) -> set[int]:
    ids = {c.entity_id for c in changes if c.entity == "action"}
    cells = {c.entity_id for c in changes if c.entity == "action_bassin"}
    if cells:
        from sqlmodel import col, select

        from db.models import ActionBassin

        ids.update(
            s.exec(select(ActionBassin.action_id).where(col(ActionBassin.id).in_(cells))).all()
        )
    return ids


# -- annuler / rétablir ----------------------------------------------------------------------
def revert(ctx: AppContext, operation_id: str, *, source: str = "annulation") -> OpChanges[None]:
    """Applique l'inverse de l'opération (tout ou rien), journalisé ; voir ``journal.reverse``."""
    from sqlalchemy.exc import IntegrityError

    from roadmap_app.core import journal
    from roadmap_app.core.errors import UndoConflictError

    def apply(op: Op) -> None:
        label, changes = journal.reverse(op.session, operation_id)
        op.label = f"Annulation : {label}"
        op.extend(changes)

    try:
        return run_op(
            ctx, "Annulation", apply, source=source, record_undo=False, reverts=operation_id
        )
    except IntegrityError as err:
        raise UndoConflictError(
            "Annulation impossible : elle redonnerait un code déjà utilisé depuis par un autre "
            "élément. Rien n'a été changé."
        ) from err


def _step(ctx: AppContext, redo: bool) -> OpChanges[None]:
    done: list[OpChanges[None]] = []

    def apply(op_id: str) -> str:
        changes = revert(ctx, op_id, source="rétablissement" if redo else "annulation")
        done.append(changes)
        assert changes.operation_id is not None
        return changes.operation_id

    entry = ctx.undo.redo(apply) if redo else ctx.undo.undo(apply)
    c = done[0]
    return OpChanges(entry.label, c.operation_id, c.domains, c.action_ids)


def undo_last(ctx: AppContext) -> OpChanges[None]:
    """Annule la dernière opération de la session, quelle que soit sa fonctionnalité ;
    ``label`` : le libellé de l'opération annulée."""
    return _step(ctx, redo=False)


def redo_last(ctx: AppContext) -> OpChanges[None]:
    return _step(ctx, redo=True)


def forget_history(ctx: AppContext) -> OpChanges[None]:
    """La base a été remplacée (restauration d'une sauvegarde) : plus rien à annuler ni rétablir,
    et toutes les vues sont à relire."""
    ctx.undo.undo_stack.clear()
    ctx.undo.redo_stack.clear()
    ctx.undo._notify()
    ctx.reads.clear()
    return RESTORED


#: Ce que change une restauration : tout.
RESTORED: OpChanges[None] = OpChanges("Restauration", None, ALL_DOMAINS)
