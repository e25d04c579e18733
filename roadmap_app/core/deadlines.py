"""Échéances de la convention (bilan intermédiaire, bilan final) et jours restants.

Utilisable par le tableau de bord et la page Financement : ``bilan_deadlines(ctx)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from db.read_tables import KEY_DATE
from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import format_date

#: Clés des dates du jeu initial (resources/seed/convention.json) qui sont des remises de bilan.
BILAN_KEYS: tuple[str, ...] = ("bilan_intermediaire", "bilan_final")

#: En deçà de ce nombre de jours, l'échéance est « proche » (mise en avant dans l'interface).
SOON_DAYS = 60


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    date: date
    description: str
    days_remaining: int  # négatif : dépassée

    @property
    def passed(self) -> bool:
        return self.days_remaining < 0

    @property
    def soon(self) -> bool:
        return 0 <= self.days_remaining <= SOON_DAYS

    def remaining_text(self) -> str:
        return days_text(self.days_remaining)

    def text(self) -> str:
        """« Bilan final (dont volet 3) à transmettre : 31/03/2026 — dans 532 jours »."""
        return f"{self.label} : {format_date(self.date)} — {self.remaining_text()}"


def days_text(days: int) -> str:
    if days == 0:
        return "aujourd'hui"
    if days == 1:
        return "demain"
    if days > 1:
        return f"dans {days} jours"
    if days == -1:
        return "dépassée depuis hier"
    return f"dépassée de {-days} jours"


def deadlines(
    ctx: AppContext, keys: tuple[str, ...] = BILAN_KEYS, today: date | None = None
) -> list[Deadline]:
    """Les dates clés demandées, dans l'ordre chronologique, avec les jours restants."""
    day = today or ctx.today()
    k = KEY_DATE.c
    with ctx.store.session() as s:
        rows = s.execute(
            select(k.key, k.label, k.date, k.description).where(k.key.in_(keys)).order_by(k.date)
        ).all()
    return [Deadline(key, label, on, text, (on - day).days) for key, label, on, text in rows]


def bilan_deadlines(ctx: AppContext, today: date | None = None) -> list[Deadline]:
    """Remises du bilan intermédiaire et du bilan final, avec les jours restants."""
    return deadlines(ctx, BILAN_KEYS, today)
