"""« Date ou période » d'une dépense (colonne de l'annexe 3) : une date, deux dates, ou une période écrite.

« 15/05/2024 » ; « du 01/07/2024 au 31/12/2024 », « 01/07/2024 – 31/12/2024 » ; « 2nd semestre 2024 »,
« juillet 2024 », « Année 2024 » ; « juillet à décembre 2024 ». Le texte saisi est gardé tel quel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from roadmap_app.core.dates import format_date
from roadmap_app.core.echeance import parse_echeance
from roadmap_app.core.errors import ValidationError
from roadmap_app.core.text import fold

EXAMPLES = "15/05/2024, 01/07/2024 – 31/12/2024, 2nd semestre 2024, juillet à décembre 2024"
_RANGE = re.compile(r"^(?:du\s+|de\s+)?(.+?)\s*(?:\s+au\s+|\s+a\s+|\s*[–—]\s*|\s+-\s+)\s*(.+)$")


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None
    label: str

    @property
    def empty(self) -> bool:
        return self.start is None and not self.label

    @property
    def single_day(self) -> date | None:
        return self.start if self.start is not None and self.start == self.end else None

    def display(self) -> str:
        if self.label:
            return self.label
        if self.start is None:
            return ""
        if self.start == self.end or self.end is None:
            return format_date(self.start)
        return f"{format_date(self.start)} – {format_date(self.end)}"


def _one(text: str, default_year: int | None, raw: str) -> tuple[date, date]:
    ech = parse_echeance(text, default_year)
    if ech.start is None or ech.end is None or ech.flag:
        raise ValidationError(f"Date ou période : « {raw} » illisible (exemples : {EXAMPLES}).")
    return ech.start, ech.end


def parse_period(text: str | None) -> Period:
    """Texte saisi → dates de début et de fin ; vide accepté ; illisible → ``ValidationError``."""
    raw = " ".join((text or "").split())
    if not raw:
        return Period(None, None, "")
    folded = fold(raw)
    m = _RANGE.match(folded)
    if m and not re.fullmatch(r"\d{1,2}-\d{1,2}-\d{2,4}", folded):
        left, right = m[1], m[2]
        _r_start, r_end = _one(right, None, raw)
        if not re.search(r"\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2}", left):
            left = f"{left} {r_end.year}"
        l_start, _l_end = _one(left, r_end.year, raw)
        if l_start > r_end:
            raise ValidationError(
                f"Date ou période : « {raw} » commence après sa fin "
                f"({format_date(l_start)} > {format_date(r_end)})."
            )
        return Period(l_start, r_end, raw)
    start, end = _one(folded, None, raw)
    return Period(start, end, raw)


def period_of(start: date | None, end: date | None, label: str) -> Period:
    return Period(start, end, label)
