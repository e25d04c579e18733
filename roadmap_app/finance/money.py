"""Montants en euros et quantités : lecture des écritures françaises, calcul exact (jamais de float).

« 618 750,00 € », « 148750 », « 1 650 000,00 », « 1.650.000,00 », « 250 000 € » → centimes (entier).
Le nombre d'unités est gardé en millièmes (« 2,5 » → 2 500) : exact, trois décimales au plus.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from roadmap_app.core.errors import ValidationError
from roadmap_app.core.formatting import format_number

#: Plus grand montant accepté (garde-fou contre une saisie aberrante) : 999 999 999 999,99 €.
MAX_CENTS = 99_999_999_999_999
MAX_MILLI = 999_999_999_999

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']+")
_CURRENCY = re.compile(r"(?:€|eur(?:os?)?)$", re.IGNORECASE)
_DIGITS = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


def _where(field: str) -> str:
    """Préfixe des messages : le champ concerné (« Coût unitaire : … »)."""
    return f"{field} : " if field else ""


def _normalise(text: str, *, decimals: int, dot_is_thousands: bool, field: str, what: str) -> str:
    """Texte → chaîne décimale canonique (« -1234.5 »), ou ``ValidationError`` qui dit pourquoi."""
    raw = text
    t = _SPACES.sub("", text.strip())
    t = _CURRENCY.sub("", t)
    sign = ""
    if t[:1] in ("-", "−"):
        sign, t = "-", t[1:]
    elif t[:1] == "+":
        t = t[1:]
    if not t:
        raise ValidationError(f"{_where(field)}« {raw} » : aucun chiffre ({what} attendu).")
    comma, dot = t.rfind(","), t.rfind(".")
    if comma >= 0 and dot >= 0:
        decimal_sep = "," if comma > dot else "."
        thousands_sep = "." if decimal_sep == "," else ","
        whole, _, frac = t.rpartition(decimal_sep)
        if thousands_sep in frac or not _GROUPED.match(whole.replace(thousands_sep, ",")):
            raise ValidationError(
                f"{_where(field)}« {raw} » illisible : séparateurs de milliers et de décimales mélangés."
            )
        whole = whole.replace(thousands_sep, "")
    elif comma >= 0:
        if t.count(",") > 1:
            raise ValidationError(
                f"{_where(field)}« {raw} » illisible : plusieurs virgules (la virgule sépare les décimales)."
            )
        whole, _, frac = t.partition(",")
    elif dot >= 0:
        if t.count(".") > 1:
            if not _GROUPED.match(t):
                raise ValidationError(
                    f"{_where(field)}« {raw} » illisible : points mal placés (milliers ?)."
                )
            whole, frac = t.replace(".", ""), ""
        else:
            whole, _, frac = t.partition(".")
            if dot_is_thousands and len(frac) == 3 and whole and not whole.startswith("0"):
                whole, frac = whole + frac, ""  # « 148.750 » : point des milliers
    else:
        whole, frac = t, ""
    if not whole:
        whole = "0"
    if not _DIGITS.match(whole) or (frac and not _DIGITS.match(frac)):
        raise ValidationError(
            f"{_where(field)}« {raw} » n'est pas un nombre (exemple : « 1 234,50 »)."
        )
    if len(frac) > decimals:
        unit = "centimes" if decimals == 2 else f"{decimals} décimales"
        raise ValidationError(
            f"{_where(field)}« {raw} » : au plus {decimals} chiffres après la virgule ({unit})."
        )
    return f"{sign}{whole}.{frac or '0'}"


def parse_cents(
    text: str | None, *, field: str = "", allow_empty: bool = False, allow_negative: bool = False
) -> int | None:
    """Montant écrit en euros → centimes. Vide : ``None`` si ``allow_empty``, sinon erreur."""
    if text is None or not str(text).strip():
        if allow_empty:
            return None
        raise ValidationError(f"{_where(field)}valeur manquante." if field else "Montant manquant.")
    canon = _normalise(
        str(text), decimals=2, dot_is_thousands=True, field=field, what="un montant en euros"
    )
    try:
        cents = int((Decimal(canon) * 100).to_integral_exact())
    except InvalidOperation as err:  # pragma: no cover - _normalise garantit des chiffres
        raise ValidationError(f"{_where(field)}« {text} » n'est pas un montant.") from err
    if cents < 0 and not allow_negative:
        raise ValidationError(f"{_where(field)}« {text} » : le montant doit être positif.")
    if abs(cents) > MAX_CENTS:
        raise ValidationError(f"{_where(field)}« {text} » : montant trop grand.")
    return cents


def parse_euros(text: str, *, field: str = "", allow_negative: bool = False) -> Decimal:
    """Montant écrit en euros → ``Decimal`` exact à deux décimales."""
    cents = parse_cents(text, field=field, allow_negative=allow_negative)
    assert cents is not None
    return cents_to_decimal(cents)


def parse_quantity_milli(
    text: str | None, *, field: str = "", allow_empty: bool = True
) -> int | None:
    """Nombre d'unités (« 2,5 », « 10 », « 0,2 ») → millièmes ; positif, trois décimales au plus."""
    if text is None or not str(text).strip():
        if allow_empty:
            return None
        raise ValidationError(f"{_where(field)}valeur manquante." if field else "Nombre manquant.")
    canon = _normalise(str(text), decimals=3, dot_is_thousands=False, field=field, what="un nombre")
    milli = int((Decimal(canon) * 1000).to_integral_exact())
    if milli < 0:
        raise ValidationError(f"{_where(field)}« {text} » : le nombre doit être positif.")
    if milli > MAX_MILLI:
        raise ValidationError(f"{_where(field)}« {text} » : nombre trop grand.")
    return milli


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def decimal_to_cents(amount: Decimal) -> int:
    """Arrondi au centime le plus proche (demi vers le haut), exact."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def milli_to_decimal(milli: int) -> Decimal:
    return (Decimal(milli) / 1000).normalize()


def units_times_cost(units_milli: int, unit_cost_cents: int) -> int:
    """Nombre d'unités × coût unitaire, en centimes arrondis (demi vers le haut) — calcul exact."""
    exact = Decimal(units_milli) * Decimal(unit_cost_cents) / Decimal(1000)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(cents: int, pct: int) -> int:
    """``pct`` % d'un montant, au centime (demi vers le haut) : 60 % de 618 750 € = 371 250 €."""
    exact = Decimal(cents) * Decimal(pct) / Decimal(100)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_quantity(milli: int | None) -> str:
    """« 2,5 », « 1 200 », « 0,125 » (millièmes → texte français, sans zéros inutiles)."""
    if milli is None:
        return ""
    sign = "-" if milli < 0 else ""
    whole, frac = divmod(abs(milli), 1000)
    text = format_number(whole)
    if frac:
        text += "," + f"{frac:03d}".rstrip("0")
    return sign + text


def format_amount_input(cents: int | None) -> str:
    """Montant pour un champ de saisie : « 618 750,00 » (relu tel quel par ``parse_cents``)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", " ")
    return f"{sign}{grouped},{rest:02d}"


def ratio_pct(part: int, whole: int | None) -> Decimal | None:
    """Part en % (deux décimales, exact) ; ``None`` si le total est nul ou inconnu."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)
