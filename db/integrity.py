"""Vérification d'intégrité d'une base SQLite (``PRAGMA quick_check``), au besoin dans un fil.

Sur une grosse base, ``quick_check`` lit tout le fichier (≈ 70 ms pour 44 Mo). Au démarrage de
l'interface, il tourne dans un fil pendant que la fenêtre se construit : SQLite relâche le verrou
de Python pendant la vérification, qui occupe donc l'autre cœur. La fenêtre n'est montrée qu'une
fois la base déclarée saine (``PrepareResult.failure``) ; rien n'est écrit avant.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from db.errors import StoreCorruptError
from db.store import open_sqlite_readonly, sqlite_file_uri

#: Ce que fait l'utilisateur d'une base endommagée (chaque message de base endommagée le dit).
RESTORE_HINT = (
    "restaurez la dernière sauvegarde (roadmap-app restore FICHIER ; roadmap-app backup --list "
    "les montre ; ou au démarrage de l'application)"
)


def damaged_message(name: str, detail: str) -> str:
    """Message de refus ; ``detail`` est le rapport de SQLite, ramené à une ligne."""
    lines = [line.strip() for line in detail.replace("*** in database main ***", "").splitlines()]
    detail = "; ".join(line for line in lines if line)
    return (
        f"La base « {name} » est endommagée ({detail}). Elle n'a pas été modifiée : {RESTORE_HINT}."
    )


class IntegrityCheck:
    """``quick_check`` de ``path`` sur une connexion à lui, lancé dès la création."""

    def __init__(self, path: Path, name: str, *, read_only: bool = False) -> None:
        self.path, self.name, self.read_only = path, name, read_only
        self._result: str | None = None
        self._thread = threading.Thread(target=self._run, name="quick_check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            # connexion ordinaire, comme la vérification immédiate : en lecture seule, SQLite
            # refuserait d'ouvrir une base WAL dont le fichier -shm ne peut pas être créé
            conn = (
                open_sqlite_readonly(self.path)
                if self.read_only  # dossier sans droit d'écriture : voir Store.read_only
                else sqlite3.connect(sqlite_file_uri(self.path), uri=True, timeout=10)
            )
            try:
                row = conn.execute("PRAGMA quick_check").fetchone()
            finally:
                conn.close()
            self._result = str(row[0]) if row else "aucun résultat"
        # UnicodeDecodeError : octets invalides jusque dans les messages de SQLite
        except (sqlite3.Error, UnicodeDecodeError) as err:
            self._result = f"illisible : {type(err).__name__} {err}"

    def failure(self) -> StoreCorruptError | None:
        """Attend la fin de la vérification ; l'erreur à montrer si la base est endommagée."""
        self._thread.join()
        if self._result == "ok":
            return None
        return StoreCorruptError(damaged_message(self.name, str(self._result)))
