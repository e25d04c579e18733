"""Lecture des fichiers du jeu initial (``resources/seed``), partagée par le chargeur, les flux et
les corrections (aucun des trois n'importe un autre pour la lire)."""

from __future__ import annotations

import json
from typing import Any

from resources import locate


def read_seed_file(name: str) -> dict[str, Any]:
    text = locate("resources", "seed", name).read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"Jeu initial {name} : format inattendu.")
    return data
