"""Lecture des dates et des mois écrits à la française (« 15-mai-24 », « janv. 2025 », « 01/2025 »)."""

from __future__ import annotations

import re
from datetime import date

from roadmap_app.core.text import fold

MONTHS: dict[str, int] = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "fevri": 2,
    "mars": 3, "mar": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7, "jul": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip

MONTH_LABELS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

MONTH_SHORT = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip


class DateParseError(ValueError):
    """Texte illisible comme date ; le message (français) dit pourquoi."""


def month_number(word: str) -> int | None:
    key = fold(word).strip().rstrip(".")
    return MONTHS.get(key)


def expand_year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        return 2000 + y
    if len(text) != 4:
        raise DateParseError(f"Année illisible « {text} ».")
    return y


def make_date(year: int, month: int, day: int, original: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as err:
        raise DateParseError(
            f"Date impossible « {original} » ({day:02d}/{month:02d}/{year})."
        ) from err


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MY_NUM = re.compile(r"^(\d{1,2})[/.\-](\d{4}|\d{2})$")
_Y_M_NUM = re.compile(r"^(\d{4})[/.\-](\d{1,2})$")
_MY_WORD = re.compile(r"^([a-zéèûô]+)\.?[\s\-/]*(\d{4}|\d{2})$")


def parse_day(text: str) -> date:
    """« 15/05/2024 », « 15/05/24 », « 2024-05-15 » → date."""
    t = text.strip()
    m = _ISO.match(t)
    if m:
        return make_date(int(m[1]), int(m[2]), int(m[3]), t)
    m = _DMY.match(t)
    if m:
        return make_date(expand_year(m[3]), int(m[2]), int(m[1]), t)
    raise DateParseError(f"Date illisible « {text} » (attendu : JJ/MM/AAAA).")


def parse_month(text: str) -> date:
    """Premier jour du mois : « janv. 2025 », « janvier 2025 », « 01/2025 », « 2025-01 », « 01/01/2025 »."""
    t = " ".join(fold(text).strip().split())
    if not t:
        raise DateParseError("Mois vide.")
    m = _MY_NUM.match(t)
    if m:
        month = int(m[1])
        if not 1 <= month <= 12:
            raise DateParseError(f"Mois impossible « {text} ».")
        return date(expand_year(m[2]), month, 1)
    m = _Y_M_NUM.match(t)
    if m:
        month = int(m[2])
        if not 1 <= month <= 12:
            raise DateParseError(f"Mois impossible « {text} ».")
        return date(int(m[1]), month, 1)
    m = _MY_WORD.match(t)
    if m:
        month_n = month_number(m[1])
        if month_n is None:
            raise DateParseError(f"Mois inconnu « {m[1]} » dans « {text} ».")
        return date(expand_year(m[2]), month_n, 1)
    try:
        d = parse_day(t)
    except DateParseError:
        raise DateParseError(
            f"Mois illisible « {text} » (exemples acceptés : « janv. 2025 », « 01/2025 », « 2025-01 »)."
        ) from None
    return d.replace(day=1)


def format_date(d: date | None) -> str:
    return "" if d is None else d.strftime("%d/%m/%Y")


def format_month(d: date) -> str:
    return f"{MONTH_SHORT[d.month - 1]} {d.year}"


def slip_days(old: str | None, new: str | None) -> int | None:
    """Glissement d'une échéance (fins ISO) en jours ; positif : elle recule. Partagé par la
    comparaison de comités et l'échéancier."""
    if old is None or new is None:
        return None
    return (date.fromisoformat(new) - date.fromisoformat(old)).days
