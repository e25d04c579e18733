"""Changement d'une section d'état autre que le plan (chiffres de référence, financement, flux…).

Module à part : les fonctionnalités qui comparent leur propre section (``roadmap_app.flows``…) s'en
servent sans dépendre du moteur de comparaison, qui les appelle.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from roadmap_app.core.formatting import format_count


class SectionChange(NamedTuple):
    """Un changement (immuable) ; un tuple nommé plutôt qu'une classe de données : une comparaison
    à 100× en crée des milliers (9 000 dernières valeurs d'indicateurs d'un mois à l'autre) :
    trois fois plus vite à créer."""

    section: str
    key: str
    label: str
    bassin: str | None
    old: Any
    new: Any
    comment: str = ""


#: Nom lisible de chaque section d'état (colonne « Nature » du pack ; la clé reste celle du format).
SECTION_TITLES = {
    "reference": "Chiffres de référence",
    "financement": "Financement",
    "flux": "Flux BRSA",
    "indicateurs": "Indicateurs de suivi",
}


def section_title(section: str) -> str:
    """« Flux BRSA » pour ``flux`` ; une section inconnue garde sa clé."""
    return SECTION_TITLES.get(section, section)


def show_value(key: str, value: Any) -> str:
    """Valeur lisible d'un changement : euros pour les montants (stockés en centimes), nombres à
    la française (« 43 », « 12,5 »), « — » pour une valeur absente."""
    from roadmap_app.core.formatting import format_euros

    if value is None:
        return "—"
    if key == "montant_cents" and isinstance(value, int):
        return format_euros(value)
    if isinstance(value, float):
        return format_count(value)
    return str(value)
