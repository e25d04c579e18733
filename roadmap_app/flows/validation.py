"""Règles de saisie des flux : pas de nombre négatif, pourcentage 0–100, une part ne dépasse pas son total."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from roadmap_app.core.dates import format_month
from roadmap_app.core.formatting import format_number
from roadmap_app.flows.catalogue import BY_CODE, COUNT, PERCENT, SUMS


@dataclass(frozen=True)
class FlowError:
    bassin: str
    month: date
    indicator: str
    message: str

    def __str__(self) -> str:
        if not self.indicator:
            return f"{self.bassin} : {self.message}"
        ind = BY_CODE[self.indicator].label if self.indicator in BY_CODE else self.indicator
        return f"{self.bassin}, {format_month(self.month)}, « {ind} » : {self.message}"


#: Fenêtre des mois et des dates d'effet acceptés (flux, cibles, moyens) : de janvier 2010
#: (chiffres de référence des années précédant l'expérimentation, lancée en 2024) à décembre 2040.
#: Un mois hors de cette fenêtre est une coquille (« 9999-12 », « 1900-01 ») : refusé à la saisie,
#: il casserait ensuite graphiques, pack et tableau de bord.
FIRST_MONTH = date(2010, 1, 1)
LAST_MONTH = date(2040, 12, 1)


def window_error(day: date, what: str = "Mois") -> str | None:
    """Erreur (française) d'un mois ou d'une date d'effet hors de la fenêtre, sinon ``None``."""
    if FIRST_MONTH <= day.replace(day=1) <= LAST_MONTH:
        return None
    shown = format_month(day) if what == "Mois" else f"{day:%d/%m/%Y}"
    return (
        f"{what} {shown} hors de la période acceptée ({format_month(FIRST_MONTH)} à "
        f"{format_month(LAST_MONTH)}) : vérifiez l'année."
    )


def _n(v: float) -> str:
    return f"{v:g}".replace(".", ",")


#: Plus grande valeur admise : bien au-delà de tout chiffre mensuel d'un bassin (une coquille, sinon).
MAX_VALUE = 10_000_000


def check_value(code: str, value: float | None) -> str | None:
    """Erreur (en français) d'une valeur seule, ou ``None``."""
    if value is None:
        return None
    ind = BY_CODE[code]
    if not math.isfinite(value) or abs(value) > MAX_VALUE:
        return (
            f"« {value:g} » est hors limites : au plus {format_number(MAX_VALUE)} pour un mois "
            "et un bassin."
        )
    if value < 0:
        return (
            f"{_n(value)} est négatif : un nombre, un délai ou une part ne peut pas être négatif."
        )
    if ind.unit == PERCENT and value > 100:
        return f"{_n(value)} % dépasse 100 %."
    if ind.unit == COUNT and value != int(value):
        return f"{_n(value)} n'est pas un nombre entier de personnes."
    return None


def check_month(bassin: str, month: date, values: dict[str, float | None]) -> list[FlowError]:
    """Toutes les erreurs d'un mois d'un bassin (fenêtre des mois, valeurs seules, puis parts
    et totaux)."""
    outside = window_error(month)
    if outside is not None:
        return [FlowError(bassin, month, "", outside)]
    errors = [
        FlowError(bassin, month, code, msg)
        for code, v in values.items()
        if code in BY_CODE and (msg := check_value(code, v)) is not None
    ]
    for code, v in values.items():
        parent = BY_CODE[code].parent if code in BY_CODE else None
        total = values.get(parent) if parent else None
        if v is not None and total is not None and v > total:
            errors.append(FlowError(bassin, month, code,
                                    f"{_n(v)} dépasse le total « {BY_CODE[parent].label} » ({_n(total)}) : "  # type: ignore[index]
                                    "une part ne peut pas dépasser son total."))  # fmt: skip
    for total_code, parts in SUMS.items():
        total = values.get(total_code)
        known = [values[p] for p in parts if values.get(p) is not None]
        if total is not None and known and sum(known) > total:  # type: ignore[arg-type]
            errors.append(FlowError(bassin, month, total_code,
                                    f"la somme des orientations détaillées ({_n(sum(known))}) dépasse le total ({_n(total)})."))  # type: ignore[arg-type]  # fmt: skip
    return errors
