"""Instantanés déjà décodés, gardés sur le disque de l'utilisateur : la comparaison à froid les relit
sans redécoder leur JSON.

Un instantané ne change jamais. Son contenu (JSON compressé : à 100×, 6 à 11 Mo de texte, 31 500
cellules) se décode en 150 à 185 ms de CPU ; la même forme écrite par ``marshal`` se relit en
50 à 70 ms. La première lecture d'un instantané écrit son fichier, les suivantes le relisent, même
dans un autre processus (c'est le cas d'une comparaison « à froid » avec le dernier comité).

Le fichier est retrouvé par l'empreinte SHA-256 du contenu compressé lu dans la base (≈ 1 ms) et
garde l'empreinte attendue (colonne ``payload_sha256``) sous laquelle il a été vérifié : un
contenu ou une empreinte modifiés dans la base ne le retrouvent donc plus, et la lecture
ordinaire (qui vérifie l'empreinte et signale un instantané endommagé) reprend. Un fichier
tronqué ou abîmé (somme de contrôle), d'une autre version de Python ou de ``marshal`` est ignoré
puis réécrit. ``marshal`` n'exécute rien en lisant ; il ne lit que des fichiers écrits ici et
vérifiés. Au plus ``KEEP`` fichiers (5 à 9 Mo chacun à 100×) : les moins récemment lus partent.
Tout échec (dossier en lecture seule, disque plein) laisse simplement la lecture ordinaire.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from roadmap_app import __version__
from roadmap_app.committees.state_cell import CELL_FIELDS, Cell

KEEP = 6
_MAGIC = b"RMSNAP1\n"
#: l'état décodé dépend de la version de l'application (``normalize_cells``), le fichier de
#: celles de Python et de marshal
_VERSION = f"{__version__}/{sys.implementation.cache_tag}/{marshal.version}".encode()
_SUFFIX = ".bin"


def _folder() -> Path:
    from roadmap_app.core.paths import cache_dir

    return cache_dir() / "instantanes"


def _header(key: str, expected: str) -> bytes:
    return b"%s%s\n%s\n%s\n" % (_MAGIC, _VERSION, key.encode(), str(expected).encode())


def load(key: str, expected: str) -> dict[str, Any] | None:
    """L'état décodé de ce contenu (``key`` : empreinte du contenu compressé), s'il a déjà été lu
    et vérifié sous l'empreinte ``expected`` ; sinon ``None``."""
    path = _folder() / f"{key}{_SUFFIX}"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = _header(key, expected)
    start = len(head) + 12
    if not data.startswith(head) or len(data) < start:
        return None
    size, crc = (
        int.from_bytes(data[len(head) : len(head) + 8], "big"),
        int.from_bytes(data[start - 4 : start], "big"),
    )
    blob = memoryview(data)[start:]
    if len(blob) != size or zlib.crc32(blob) != crc:
        return None
    try:
        state = marshal.loads(blob)
        _to_cells(state)
    except (ValueError, TypeError, KeyError, EOFError, AttributeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # le plus récemment lu : gardé
    return state if isinstance(state, dict) else None


def store(key: str, expected: str, state: dict[str, Any]) -> None:
    """Écrit l'état décodé (et vérifié) de ce contenu ; ses cellules restent les mêmes objets."""
    try:
        # marshal ne connaît que les types de base : cellules en tuples le temps de l'écrire,
        # puis les mêmes ``Cell`` remises (sans en recréer 31 500)
        kept = [(cells, dict(cells)) for cells in _statuses(state)]
        try:
            for cells, _same in kept:
                for code, value in _same.items():
                    cells[code] = tuple(value)
            blob = marshal.dumps(state)
        finally:
            for cells, same in kept:
                cells.update(same)
    except (ValueError, TypeError, KeyError):  # une valeur que marshal ne sait pas écrire
        return
    folder = _folder()
    path = folder / f"{key}{_SUFFIX}"
    tmp = folder / f"{key}.{os.getpid()}.{threading.get_ident()}.tmp"  # fils et processus
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as out:
            out.write(_header(key, expected))
            out.write(len(blob).to_bytes(8, "big"))
            out.write(zlib.crc32(blob).to_bytes(4, "big"))
            out.write(blob)
        os.replace(tmp, path)
        files = sorted(folder.glob(f"*{_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


_WIDTH = len(CELL_FIELDS)
_new = tuple.__new__


def _to_cells(state: dict[str, Any]) -> None:
    """Chaque cellule relue (un tuple de six champs) redevient une ``Cell``, en place, sans appel
    de fonction Python par cellule (31 500 à 100×)."""
    for cells in _statuses(state):
        for code, value in cells.items():
            if type(value) is not tuple or len(value) != _WIDTH:
                raise ValueError("cellule illisible")
            cells[code] = Cell(value)


def _statuses(state: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Les cellules de statut de chaque action du plan (bassin → cellule)."""
    for axe in state.get("plan", {}).get("axes", ()):
        for cible in axe["cibles"]:
            for action in cible["actions"]:
                yield action["statuses"]
