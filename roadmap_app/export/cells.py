"""Valeurs de cellules de tableur : textes neutralisés, formats de nombres et de dates français."""

from __future__ import annotations

import re
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
#: Caractères qu'un classeur ne peut pas contenir (openpyxl lèverait IllegalCharacterError).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: Longueur maximale d'une cellule de tableur (Excel).
MAX_CELL_CHARS = 32_767


def cell_text(value: str | None) -> str:
    """Texte qu'une cellule de classeur peut porter : caractères interdits dans un classeur
    (contrôles) retirés ; au-delà de 32 767 caractères (limite d'Excel), raccourci et fini par
    « … ». Un texte qui ressemble à une formule reste tel quel : c'est la cellule qui le
    neutralise (style « quotePrefix », voir ``export.xlsx``), sans apostrophe visible."""
    if value is None:
        return ""
    text = _ILLEGAL.sub("", str(value))
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def looks_like_formula(text: str) -> bool:
    """« =… », « +… », « -… », « @… » (et tabulation, retour chariot) : un tableur l'exécuterait
    ou l'interpréterait comme une formule."""
    return text.startswith(_FORMULA_START)


def safe_text(value: str | None) -> str:
    """Texte d'un fichier CSV, sans risque : comme ``cell_text``, et un texte qui ressemble à une
    formule est préfixé d'une apostrophe simple (un CSV n'a pas de style de cellule ; les
    tableurs masquent l'apostrophe à l'affichage). Les classeurs passent par ``cell_text`` et
    le style « quotePrefix » de la cellule."""
    text = cell_text(value)
    if looks_like_formula(text):
        text = "'" + text
        if len(text) > MAX_CELL_CHARS:
            text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def cents_to_euros(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))
