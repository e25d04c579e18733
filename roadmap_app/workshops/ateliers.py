"""Les ateliers (journées de lancement, revues du plan) et les modifications faites pendant chacun."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from db.errors import StaleDataError
from db.models import Atelier, Bassin, JournalEntry
from db.types import utcnow
from roadmap_app.core import journal, ops
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import NotFoundError, ValidationError
from roadmap_app.core.text import clean_text
from roadmap_app.plan.read import find_bassin

EDITABLE = ("title", "date", "moment", "place", "participants", "notes")


@dataclass(frozen=True)
class AtelierInfo:
    id: int
    bassin_id: int | None
    bassin: str
    date: date
    moment: str
    title: str
    kind: str
    place: str
    participants: str
    notes: str
    version: int

    @property
    def label(self) -> str:
        return f"{self.title} — {self.bassin} — {self.date:%d/%m/%Y}"


def _info(a: Atelier, names: dict[int, str]) -> AtelierInfo:
    assert a.id is not None
    return AtelierInfo(
        a.id, a.bassin_id, names.get(a.bassin_id or 0, "Tous les bassins"), a.date, a.moment, a.title, a.kind,
        a.place, a.participants, a.notes, a.version,
    )  # fmt: skip


def list_ateliers(ctx: AppContext) -> list[AtelierInfo]:
    with ctx.store.session() as s:
        names = {b.id: b.name for b in s.exec(select(Bassin)).all() if b.id is not None}
        rows = s.exec(
            select(Atelier).order_by(col(Atelier.date).desc(), col(Atelier.id).desc())
        ).all()
        return [_info(a, names) for a in rows]


def get_atelier(ctx: AppContext, atelier_id: int) -> AtelierInfo:
    for a in list_ateliers(ctx):
        if a.id == atelier_id:
            return a
    raise NotFoundError(f"Atelier n°{atelier_id} introuvable.")


def create_atelier(
    ctx: AppContext,
    bassin: str | int,
    day: date,
    *,
    title: str = "Revue de la feuille de route",
    moment: str = "",
    place: str = "",
    participants: str = "",
    notes: str = "",
    kind: str = "revue",
) -> AtelierInfo:
    if not title.strip():
        raise ValidationError("Le titre de l'atelier est vide.")
    # journalisé, pas annulable (un atelier se corrige, il ne se défait pas)
    with ops.operation(ctx, record_undo=False) as op:
        s = op.session
        ref = find_bassin([b for b in s.exec(select(Bassin)).all() if not b.archived], bassin)
        assert ref.id is not None
        row = Atelier(
            bassin_id=ref.id, date=day, moment=clean_text(moment).strip(), title=clean_text(title).strip(), kind=kind, place=clean_text(place).strip(),
            participants=clean_text(participants).strip(), notes=clean_text(notes).strip(), created_at=utcnow(),
        )  # fmt: skip
        s.add(row)
        s.flush()
        assert row.id is not None
        op.change(
            "atelier", row.id, f"Atelier {ref.name} du {day:%d/%m/%Y}", "creation", None, row.title
        )
        op.label = f"Nouvel atelier : {row.title} ({ref.name}, {day:%d/%m/%Y})"
        return _info(row, {ref.id: ref.name})


def update_atelier(
    ctx: AppContext, atelier_id: int, expected_version: int | None = None, **fields: Any
) -> AtelierInfo:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Champ(s) d'atelier inconnu(s) : {', '.join(sorted(unknown))}.")
    with ops.operation(ctx, record_undo=False) as op:
        s = op.session
        row = s.get(Atelier, atelier_id)
        if row is None:
            raise NotFoundError(f"Atelier n°{atelier_id} introuvable.")
        if expected_version is not None and row.version != expected_version:
            raise StaleDataError("Cet atelier a été modifié entre-temps : rechargez-le.")
        values = {
            k: (clean_text(v).strip() if isinstance(v, str) else v)
            for k, v in fields.items()
            if getattr(row, k) != v
        }
        if "title" in values and not values["title"]:
            raise ValidationError("Le titre de l'atelier est vide.")
        if not values:
            return get_atelier(ctx, atelier_id)
        old = {k: getattr(row, k) for k in values}
        s.execute(
            update(Atelier)
            .where(col(Atelier.id) == atelier_id)
            .values(**values, version=row.version + 1)
        )
        label = f"Atelier du {row.date:%d/%m/%Y}"
        op.extend(
            journal.FieldChange("atelier", atelier_id, label, k, old[k], values[k]) for k in values
        )
        op.label = f"{label} : {', '.join(values)}"
    return get_atelier(ctx, atelier_id)


def changes_during(ctx: AppContext, atelier_id: int) -> list[journal.JournalLine]:
    """Les modifications faites pendant cet atelier (revue en séance ou fusion de son paquet)."""
    with ctx.store.session() as s:
        rows = s.exec(
            select(JournalEntry)
            .where(JournalEntry.atelier_id == atelier_id)
            .order_by(col(JournalEntry.id).desc())
        ).all()
        return [journal.to_line(e) for e in rows]


def last_changed(ctx: AppContext) -> datetime | None:
    with ctx.store.session() as s:
        return s.exec(select(JournalEntry.ts).order_by(col(JournalEntry.id).desc())).first()
