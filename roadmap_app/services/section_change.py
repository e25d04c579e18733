"""Changement d'une section d'état autre que le plan (chiffres de référence, financement, flux…).

Module à part : les fonctionnalités qui comparent leur propre section (``roadmap_app.flows``…) s'en
servent sans dépendre du moteur de comparaison, qui les appelle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SectionChange:
    section: str
    key: str
    label: str
    bassin: str | None
    old: Any
    new: Any
    comment: str = ""
