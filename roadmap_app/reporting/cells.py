"""Valeurs de cellules de tableur : textes neutralisés, formats de nombres et de dates français."""

from __future__ import annotations

from decimal import Decimal

#: Formats (codes Excel) : Excel et LibreOffice les affichent selon la langue du poste
#: (séparateur de milliers espace, virgule décimale en français).
FMT_INT = "#,##0"
FMT_DEC1 = "#,##0.0"
FMT_PCT = "0%"
FMT_PCT1 = "0.0%"
FMT_EUR = '#,##0.00 "€"'
FMT_DATE = "DD/MM/YYYY"
FMT_MONTH = "MMM YYYY"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str | None) -> str:
    """Texte qu'aucun tableur n'exécutera comme formule (« =… », « +… », « -… », « @… »).

    Le texte est préfixé d'une apostrophe typographique invisible à l'usage : on ajoute
    une apostrophe simple, que Excel et LibreOffice masquent à l'affichage d'une cellule texte.
    """
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def cents_to_euros(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def format_euros(cents: int | None) -> str:
    """« 618 750,00 € » (espace fine insécable pour les milliers)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rest:02d} €"


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """« 1 234 », « 3,5 » : format français pour l'affichage."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text
