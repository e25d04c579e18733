"""Historique d'une action : ses modifications, celles de ses statuts par bassin, et celles de
l'action dont elle est la reprise (feuille de route précédente), de proche en proche."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import col, or_, select

from db.models import Action, ActionBassin, Roadmap
from roadmap_app.core.context import AppContext
from roadmap_app.core.journal import JournalLine, to_line

MAX_CHAIN = 20  # garde-fou contre une boucle de reprises


def action_history(ctx: AppContext, action_id: int, limit: int = 200) -> list[JournalLine]:
    """Lignes du journal (la plus récente d'abord). Celles d'une feuille de route précédente
    portent son nom entre parenthèses à la fin du libellé d'opération."""
    from db.models import JournalEntry  # chargée au premier historique affiché

    lines: list[JournalLine] = []
    with ctx.store.session() as s:
        current: int | None = action_id
        first = True
        depth = 0
        while current is not None and depth < MAX_CHAIN:
            action = s.get(Action, current)
            if action is None:
                break
            assert action.id is not None
            cells = s.exec(select(ActionBassin.id).where(ActionBassin.action_id == action.id)).all()
            rows = s.exec(
                select(JournalEntry)
                .where(
                    or_(
                        (col(JournalEntry.entity) == "action")
                        & (col(JournalEntry.entity_id) == action.id),
                        (col(JournalEntry.entity) == "action_bassin")
                        & col(JournalEntry.entity_id).in_(list(cells)),
                    )
                )
                .order_by(col(JournalEntry.id).desc())
                .limit(limit)
            ).all()
            suffix = ""
            if not first:
                rm = s.get(Roadmap, action.roadmap_id)
                suffix = f" ({rm.name})" if rm is not None else ""
            for e in rows:
                line = to_line(e)
                if suffix:
                    line = replace(line, operation_label=line.operation_label + suffix)
                lines.append(line)
            current = action.carried_from_id
            first = False
            depth += 1
    return lines[:limit]
