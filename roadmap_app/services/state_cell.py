"""Statut d'une action dans un bassin, dans un état (instantané ou état actuel).

Un état à 100× porte 31 500 cellules, et une comparaison en garde deux en mémoire. Une cellule
est donc un tuple de six champs (≈ 100 octets) plutôt qu'un dictionnaire (≈ 360 octets) ; elle se
lit pourtant comme un dictionnaire (``cell["status"]``, ``cell.get("updated_by", "")``) et
s'écrit en JSON comme une liste : ``["en_cours", 40, "note", "2024-10-01", false, "M. D."]``.

Les instantanés du format 1 écrivaient des dictionnaires ; ``normalize_cells`` lit les deux formes.
"""

from __future__ import annotations

from typing import Any

CELL_FIELDS = ("status", "progress", "note", "note_date", "overdue", "updated_by")
_INDEX = {name: i for i, name in enumerate(CELL_FIELDS)}
_DEFAULTS: tuple[Any, ...] = ("a_lancer", None, "", None, False, "")


class Cell(tuple[Any, ...]):
    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        if type(key) is str:
            return tuple.__getitem__(self, _INDEX[key])
        return tuple.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        i = _INDEX.get(key)
        return default if i is None else tuple.__getitem__(self, i)


def normalize_cells(state: dict[str, Any]) -> dict[str, Any]:
    """Après lecture d'un instantané : chaque cellule devient une ``Cell`` (en place), avec une
    seule chaîne par statut et par auteur (le JSON en crée une par cellule)."""
    shared: dict[str, str] = {}

    def one(value: Any) -> Cell:
        if isinstance(value, dict):
            value = [value.get(name, d) for name, d in zip(CELL_FIELDS, _DEFAULTS, strict=True)]
        elif len(value) != len(CELL_FIELDS):
            raise ValueError(f"cellule de statut illisible : {value!r}")
        status, progress, note, note_date, overdue, by = value
        status, by = shared.setdefault(status, status), shared.setdefault(by, by)
        return Cell((status, progress, note, note_date, overdue, by))

    for axe in state.get("plan", {}).get("axes", ()):
        for cible in axe["cibles"]:
            for action in cible["actions"]:
                action["statuses"] = {code: one(v) for code, v in action["statuses"].items()}
    return state
