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
    same = shared.setdefault

    def one(value: Any) -> Cell:  # 31 500 fois à 100× : sans boucle ni compréhension
        if type(value) is dict:  # format 1 : champs absents → valeurs par défaut
            g = value.get
            status, progress, note = g("status", "a_lancer"), g("progress"), g("note", "")
            note_date, overdue, by = g("note_date"), g("overdue", False), g("updated_by", "")
        elif len(value) == len(CELL_FIELDS):
            status, progress, note, note_date, overdue, by = value
        else:
            raise ValueError(f"cellule de statut illisible : {value!r}")
        return Cell((same(status, status), progress, note, note_date, overdue, same(by, by)))

    width = len(CELL_FIELDS)
    for axe in state.get("plan", {}).get("axes", ()):
        for cible in axe["cibles"]:
            for action in cible["actions"]:
                cells = action["statuses"]
                for code, v in cells.items():  # valeurs remplacées en place : le dictionnaire reste
                    if type(v) is list and len(v) == width:  # format 2, le cas courant : sans appel
                        cells[code] = Cell((same(v[0], v[0]), v[1], v[2], v[3], v[4], same(v[5], v[5])))
                    else:
                        cells[code] = one(v)
    return state
