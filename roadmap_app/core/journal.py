"""Journal des modifications : écriture des entrées, lecture de l'historique, annulation d'une opération."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from db.models import JOURNALED_MODELS
from db.types import utcnow
from roadmap_app.core.codec import decode, decode_for_column, encode
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import StaleDataError, UndoConflictError, UserError
from roadmap_app.core.links import VIRTUAL_FIELDS, read_virtual, write_virtual

if TYPE_CHECKING:  # importée dans les fonctions : la table du journal (et, par sa clé étrangère,
    # celles de la convention) se charge à la première écriture ou lecture, pas au démarrage
    from db.models import JournalEntry

#: Libellés français des champs journalisés (messages d'annulation, historique).
FIELD_LABELS: dict[str, str] = {
    "status": "statut",
    "progress": "avancement",
    "note": "note",
    "note_date": "date de la note",
    "archived": "archivage",
    "code": "code",
    "title": "titre",
    "name": "nom",
    "intitule": "intitulé",
    "actions_preexistantes": "actions pré-existantes",
    "plan_actions": "plan d'actions",
    "indicateurs_tdb": "indicateurs TDB national",
    "indicateurs_autres": "autres indicateurs",
    "echeance_label": "échéance",
    "echeance_date": "début de l'échéance",
    "echeance_fin": "fin de l'échéance",
    "echeance_precision": "précision de l'échéance",
    "echeance_flag": "signalement de l'échéance",
    "pilotes_label": "pilotes",
    "organisations": "organisations pilotes",
    "commentaires": "commentaires",
    "cible_id": "cible",
    "axe_id": "axe",
    "position": "position",
    "label": "libellé",
    "definition": "définition",
    "unit": "unité",
    "direction": "sens",
    "frequency": "fréquence",
    "scope": "portée",
    "provenance": "source",
}


def _shown(value: Any) -> str:
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if value is None or value == "":
        return "vide"
    return f"« {value} »"


@dataclass(frozen=True)
class FieldChange:
    entity: str
    entity_id: int
    entity_label: str
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class JournalLine:
    id: int
    ts: datetime
    author: str
    operation_id: str
    operation_label: str
    entity: str
    entity_id: int
    entity_label: str
    field: str
    old_value: Any
    new_value: Any
    source: str
    reverts_operation_id: str | None


def new_operation_id() -> str:
    return str(uuid.uuid4())


def record(
    session: Session,
    changes: list[FieldChange],
    *,
    author: str,
    label: str,
    source: str,
    operation_id: str | None = None,
    reverts: str | None = None,
    atelier_id: int | None = None,
    ts: datetime | None = None,
) -> str:
    """Écrit les entrées d'une opération (dans la transaction de la modification elle-même)."""
    op = operation_id or new_operation_id()
    write_rows(session, rows(changes, author=author, label=label, source=source, operation_id=op,
                             reverts=reverts, atelier_id=atelier_id, ts=ts))  # fmt: skip
    return op


def rows(
    changes: list[FieldChange],
    *,
    author: str,
    label: str,
    source: str,
    operation_id: str,
    reverts: str | None = None,
    atelier_id: int | None = None,
    ts: datetime | None = None,
) -> list[dict[str, Any]]:
    """Lignes de ``journal_entry`` (colonnes → valeurs) des changements d'une opération."""
    when = ts or utcnow()
    return [
        {
            "ts": when, "author": author, "operation_id": operation_id, "operation_label": label,
            "entity": ch.entity, "entity_id": ch.entity_id, "entity_label": ch.entity_label, "field": ch.field,
            "old_value": encode(ch.old), "new_value": encode(ch.new), "source": source,
            "reverts_operation_id": reverts, "atelier_id": atelier_id,
        }
        for ch in changes
    ]


def write_rows(session: Session, found: list[dict[str, Any]]) -> None:
    """Insère les lignes du journal en une requête exécutée pour toutes (``executemany``), dans
    l'ordre donné : 2 000 entrées d'une fusion d'atelier sans construire 2 000 objets de la
    session. Les écritures en attente dans la session partent d'abord (clé étrangère vers un
    atelier créé dans la même opération, ordre des identifiants)."""
    if not found:
        return
    from sqlalchemy import insert

    from db.models import JournalEntry

    session.flush()
    session.connection().execute(insert(JournalEntry.__table__), found)  # type: ignore[attr-defined]


def to_line(e: JournalEntry) -> JournalLine:
    assert e.id is not None
    return JournalLine(
        id=e.id,
        ts=e.ts,
        author=e.author,
        operation_id=e.operation_id,
        operation_label=e.operation_label,
        entity=e.entity,
        entity_id=e.entity_id,
        entity_label=e.entity_label,
        field=e.field,
        old_value=decode(e.old_value),
        new_value=decode(e.new_value),
        source=e.source,
        reverts_operation_id=e.reverts_operation_id,
    )


def history(
    ctx: AppContext, entity: str, entity_ids: list[int], limit: int = 200
) -> list[JournalLine]:
    """Historique (le plus récent d'abord) des entités données."""
    from db.models import JournalEntry

    if not entity_ids:
        return []
    with ctx.store.session() as s:
        rows = s.exec(
            select(JournalEntry)
            .where(JournalEntry.entity == entity, col(JournalEntry.entity_id).in_(entity_ids))
            .order_by(col(JournalEntry.id).desc())
            .limit(limit)
        ).all()
        return [to_line(e) for e in rows]


def operation(ctx: AppContext, operation_id: str) -> list[JournalLine]:
    from db.models import JournalEntry

    with ctx.store.session() as s:
        rows = s.exec(
            select(JournalEntry)
            .where(JournalEntry.operation_id == operation_id)
            .order_by(col(JournalEntry.id))
        ).all()
        return [to_line(e) for e in rows]


def reverse(session: Session, operation_id: str) -> tuple[str, list[FieldChange]]:
    """Remet chaque champ de l'opération à son ancienne valeur, si personne ne l'a modifié depuis,
    dans la transaction ``session`` ; renvoie le libellé de l'opération et les changements inverses
    (que l'exécuteur, ``ops.revert``, journalise).

    Tout ou rien : si un seul champ a changé depuis, l'annulation est refusée (``UndoConflictError``)
    et l'exécuteur n'en laisse rien.
    """
    from db.models import JournalEntry

    s = session
    entries = s.exec(
        select(JournalEntry)
        .where(JournalEntry.operation_id == operation_id)
        .order_by(col(JournalEntry.id))
    ).all()
    if not entries:
        raise UserError("Opération introuvable dans le journal.")
    label = entries[0].operation_label
    changes: list[FieldChange] = []
    # Regroupe par ligne : une seule mise à jour (et un seul incrément de version) par ligne.
    per_row: dict[tuple[str, int], dict[str, tuple[Any, Any, str]]] = {}
    for e in reversed(entries):
        model = JOURNALED_MODELS.get(e.entity)
        if model is None:
            raise UserError(f"Cette opération ({label}) ne peut pas être annulée.")
        if (e.entity, e.field) in VIRTUAL_FIELDS:
            old, new = decode(e.old_value), decode(e.new_value)
        else:
            old = decode_for_column(model, e.field, e.old_value)
            new = decode_for_column(model, e.field, e.new_value)
        per_row.setdefault((e.entity, e.entity_id), {})[e.field] = (old, new, e.entity_label)
    for (entity, entity_id), fields in per_row.items():
        model = JOURNALED_MODELS[entity]
        row = s.get(model, entity_id)
        if row is None:
            raise UndoConflictError(
                f"Annulation impossible : « {label} » porte sur une donnée supprimée."
            )
        for field, (_old, new, elabel) in fields.items():
            if (entity, field) in VIRTUAL_FIELDS:
                current = read_virtual(s, entity, entity_id, field)
            else:
                current = getattr(row, field)
            if current != new:
                raise UndoConflictError(
                    f"Annulation impossible : {elabel} – « {FIELD_LABELS.get(field, field)} » "
                    f"a été modifié depuis (valeur actuelle : {_shown(current)}). "
                    "Rien n'a été changé."
                )
        values = {
            f: old for f, (old, _new, _l) in fields.items() if (entity, f) not in VIRTUAL_FIELDS
        }
        for f, (old, _new, _l) in fields.items():
            if (entity, f) in VIRTUAL_FIELDS:
                write_virtual(s, entity, entity_id, f, old)
        if hasattr(model, "version"):
            version = row.version
            values["version"] = version + 1
            result = s.execute(
                update(model)
                .where(model.id == entity_id, model.version == version)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                raise UndoConflictError(
                    f"Annulation impossible : « {label} » vient d'être modifié ailleurs."
                )
        else:
            for f, v in values.items():
                setattr(row, f, v)
        for field, (old, new, elabel) in fields.items():
            changes.append(FieldChange(entity, entity_id, elabel, field, new, old))
    return label, changes


#: Valeur telle que l'utilisateur la lit (``(champ, valeur)`` → texte), fournie par la fonctionnalité
#: (les statuts : « En cours » pour ``en_cours``) ; le journal, au bas des couches, ne la connaît pas.
ValueLabel = Callable[[str, Any], Any]


def same_field_conflict(
    session: Session,
    entity: str,
    entity_id: int,
    what: str,
    fields: list[str],
    value_label: ValueLabel | None = None,
) -> StaleDataError:
    """Refus d'une modification dont des champs ont été changés entre-temps par quelqu'un d'autre
    (règle par champ) : qui, quand, de quelle valeur à quelle valeur. ``what`` : « L'action EP-2.2 »."""
    who = last_field_changes(session, entity, entity_id, fields, value_label)
    return StaleDataError(
        f"{what} a été modifiée depuis que vous l'avez ouverte, sur les mêmes champs que vous : "
        f"{who}. Vos modifications n'ont pas été enregistrées : rechargez et recommencez."
    )


def last_field_changes(
    session: Session,
    entity: str,
    entity_id: int,
    fields: list[str],
    value_label: ValueLabel | None = None,
) -> str:
    """« le statut (par Hélène le 02/12/2025 à 09:14 : « À lancer » → « En cours »), la note (…) » :
    qui a changé chacun de ces champs, quand, et comment (dernière entrée du journal)."""
    from db.models import JournalEntry

    parts = []
    for name in fields:
        entry = session.exec(
            select(JournalEntry)
            .where(
                JournalEntry.entity == entity,
                JournalEntry.entity_id == entity_id,
                JournalEntry.field == name,
            )
            .order_by(col(JournalEntry.id).desc())
        ).first()
        label = FIELD_LABELS.get(name, name)
        if entry is None:
            parts.append(f"{label} (par un autre utilisateur)")
            continue
        old, new = decode(entry.old_value), decode(entry.new_value)
        if value_label is not None:
            old, new = (None if v is None else value_label(name, v) for v in (old, new))
        parts.append(
            f"{label} (par {entry.author} le {entry.ts.astimezone():%d/%m/%Y à %H:%M} : "
            f"{_shown(old)} → {_shown(new)})"
        )
    return ", ".join(parts)
