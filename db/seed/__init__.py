"""Jeu initial : la feuille de route volet 3 réelle et les chiffres des documents sources.

Le chargeur (``db.seed.loader``) n'est importé qu'au premier usage : une base existante n'en a
pas besoin au démarrage.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from db.seed.loader import EcheanceParser, SeedSummary, load_seed, read_seed_file

__all__ = ["SEED_AUTHOR", "EcheanceParser", "SeedSummary", "load_seed", "read_seed_file"]

#: auteur inscrit sur les statuts et le journal venus des documents sources
SEED_AUTHOR = "jeu initial"


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'db.seed' has no attribute {name!r}")
    return getattr(importlib.import_module("db.seed.loader"), name)
