"""Le seul formateur des nombres et des montants en français (écrans, PDF, messages, journal).

Milliers séparés par une espace fine insécable (U+202F), virgule décimale, et une espace
insécable (U+00A0) avant « € » : « 618 750,00 € » ne se coupe jamais en fin de ligne.
Les classeurs gardent leurs formats de nombres (``export.cells.FMT_*``), que le tableur affiche
selon la langue du poste.
"""

from __future__ import annotations

#: espace fine insécable : séparateur des milliers
THIN = "\u202f"
#: espace insécable : avant « € »
NBSP = "\u00a0"


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """« 1 234 », « 3,5 » (``decimals`` chiffres après la virgule) ; ``None`` : « »."""
    if value is None:
        return ""
    return f"{value:,.{decimals}f}".replace(",", THIN).replace(".", ",")


def format_count(value: float | int) -> str:
    """« 1 234 » pour un entier, « 12,5 » sinon (une décimale) : effectifs, flux, charges."""
    return format_number(value, 0 if value == int(value) else 1)


def format_euros(cents: int | None) -> str:
    """« 618 750,00 € » (centimes exacts, sans passer par un flottant) ; ``None`` : « »."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros:,}".replace(",", THIN) + f",{rest:02d}{NBSP}€"


def format_whole_euros(value: float) -> str:
    """« 12 000 € » : euros entiers (axes des graphiques)."""
    return f"{int(value):,}".replace(",", THIN) + f"{NBSP}€"


def plural(n: int, one: str, many: str) -> str:
    """« 0 correction », « 1 correction », « 2 corrections » : le singulier jusqu'à 1 (l'usage
    français), le pluriel au-delà. Le seul accord des effectifs dans les textes."""
    return f"{n} {one if n <= 1 else many}"


def format_signed(value: float) -> str:
    """« +1 234 », « −56 », « 0 » (signe moins typographique) : écarts."""
    sign = "−" if value < 0 else "+" if value > 0 else ""
    return sign + format_number(abs(value))
