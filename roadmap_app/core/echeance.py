"""Échéances telles qu'écrites dans la feuille de route : date, précision et libellé d'origine.

« 15-mai-24 » → 15/05/2024 (jour) ; « 2nd semestre 2024 » → 01/07/2024–31/12/2024 (semestre) ;
« Année 2024 » → année ; « 1er avril » → jour, année déduite du contexte (signalé, jamais en silence).
Un libellé illisible est conservé tel quel et signalé.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from db.models.enums import EcheancePrecision as P
from roadmap_app.core.dates import DateParseError, expand_year, make_date, month_number, parse_day
from roadmap_app.core.text import fold

FLAG_ASSUMED_YEAR = "Année non écrite : déduite de la feuille de route ({year})."
FLAG_UNREADABLE = (
    "Échéance illisible : conservée telle qu'écrite, non prise en compte pour les retards."
)


@dataclass(frozen=True)
class Echeance:
    label: str
    start: date | None = None
    end: date | None = None
    precision: P | None = None
    flag: str | None = None

    @property
    def readable(self) -> bool:
        return self.start is not None

    @property
    def empty(self) -> bool:
        return not self.label.strip()

    def describe(self) -> str:
        """Lecture en clair, pour l'infobulle et le panneau de détail."""
        if self.empty:
            return "Pas d'échéance"
        if self.start is None or self.end is None or self.precision is None:
            return self.flag or FLAG_UNREADABLE
        if self.precision is P.DAY:
            text = f"Le {self.start:%d/%m/%Y}"
        else:
            names = {
                P.MONTH: "mois",
                P.QUARTER: "trimestre",
                P.SEMESTER: "semestre",
                P.YEAR: "année",
            }
            text = f"{names[self.precision].capitalize()} : du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"
        return text + (f" — {self.flag}" if self.flag else "")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


_ORD_1 = r"(?:1|1er|1re|1ere|premier|premiere)"
_ORD_2 = r"(?:2|2e|2eme|2nd|2nde|second|seconde|deuxieme)"
_YEAR = r"(\d{4}|\d{2})"

_RE_SEMESTER = re.compile(rf"^(?:({_ORD_1})|({_ORD_2}))\s*semestre\s*{_YEAR}?$")
_RE_S = re.compile(rf"^s\s*([12])\s*{_YEAR}?$")
_RE_QUARTER = re.compile(rf"^(?:t\s*([1-4])|([1-4])\s*(?:er|e|eme)?\s*trimestre)\s*{_YEAR}?$")
_RE_YEAR = re.compile(r"^(?:annee|an|courant|fin|fin d'annee|fin de l'annee)?\s*(\d{4})$")
_RE_DAY_WORD = re.compile(rf"^(\d{{1,2}}|{_ORD_1})\s*[\s\-.]?\s*([a-z]+)\.?\s*[\s\-.]?\s*{_YEAR}?$")
_RE_MONTH_WORD = re.compile(rf"^(?:fin|debut|mi)?\s*[\-]?\s*([a-z]+)\.?\s*[\s\-.]?\s*{_YEAR}$")
_RE_MONTH_NUM = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")


def parse_echeance(label: str | None, default_year: int | None = None) -> Echeance:
    """Interprète un libellé d'échéance ; ne lève jamais d'exception (illisible → signalé)."""
    raw = (label or "").strip()
    if not raw:
        return Echeance(label="")
    try:
        return _parse(raw, default_year)
    except DateParseError as err:
        return Echeance(label=raw, flag=f"{err} {FLAG_UNREADABLE}")


def _year_or_default(
    text: str | None, default_year: int | None, raw: str
) -> tuple[int, str | None]:
    if text:
        return expand_year(text), None
    if default_year is None:
        raise DateParseError(f"Année absente dans « {raw} ».")
    return default_year, FLAG_ASSUMED_YEAR.format(year=default_year)


def _parse(raw: str, default_year: int | None) -> Echeance:
    t = " ".join(fold(raw).replace("’", "'").split())

    try:
        d = parse_day(t)
    except DateParseError as err:
        if re.match(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}$", t) or re.match(
            r"^\d{4}-\d{1,2}-\d{1,2}$", t
        ):
            raise err
    else:
        return Echeance(raw, d, d, P.DAY)

    m = _RE_SEMESTER.match(t) or _RE_S.match(t)
    if m:
        if m.re is _RE_S:
            first = m[1] == "1"
            year_text = m[2]
        else:
            first = bool(m[1])
            year_text = m[3]
        year, flag = _year_or_default(year_text, default_year, raw)
        if first:
            return Echeance(raw, date(year, 1, 1), date(year, 6, 30), P.SEMESTER, flag)
        return Echeance(raw, date(year, 7, 1), date(year, 12, 31), P.SEMESTER, flag)

    m = _RE_QUARTER.match(t)
    if m:
        q = int(m[1] or m[2])
        year, flag = _year_or_default(m[3], default_year, raw)
        start = date(year, 3 * q - 2, 1)
        return Echeance(raw, start, _month_end(year, 3 * q), P.QUARTER, flag)

    m = _RE_YEAR.match(t)
    if m:
        year = int(m[1])
        return Echeance(raw, date(year, 1, 1), date(year, 12, 31), P.YEAR)

    m = _RE_DAY_WORD.match(t)
    if m and month_number(m[2]) is not None:
        day = 1 if not m[1].isdigit() else int(m[1])
        month = month_number(m[2])
        assert month is not None
        year, flag = _year_or_default(m[3], default_year, raw)
        d = make_date(year, month, day, raw)
        return Echeance(raw, d, d, P.DAY, flag)

    m = _RE_MONTH_WORD.match(t)
    if m and month_number(m[1]) is not None:
        month = month_number(m[1])
        assert month is not None
        year = expand_year(m[2])
        return Echeance(raw, date(year, month, 1), _month_end(year, month), P.MONTH)

    m = _RE_MONTH_NUM.match(t)
    if m and 1 <= int(m[1]) <= 12:
        year, month = int(m[2]), int(m[1])
        return Echeance(raw, date(year, month, 1), _month_end(year, month), P.MONTH)

    raise DateParseError(f"Échéance non reconnue « {raw} ».")
