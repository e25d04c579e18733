"""Reconnaître un fichier avant de l'ouvrir : base roadmap-app, paquet d'atelier, ou refus.

La lecture se fait sans rien écrire ni créer à côté du fichier (pas de journal WAL, pas de
fichier ``-shm``) : un fichier étranger ou abîmé donné à l'application reste tel quel. Ouvrir
une base normalement (``Store``) la passerait en mode WAL, ce qui modifie le fichier.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from db.errors import NotAStoreError, StoreCorruptError, StoreError, StoreTooNewError
from db.migrate import SQLITE_MAGIC
from db.schema import HEAD, REVISIONS


@dataclass(frozen=True)
class FileProbe:
    path: Path
    revision: str
    store_uuid: str
    #: paquet d'atelier : base d'origine (identifiant et nom), bassin, auteur ; sinon vides
    package_source_uuid: str = ""
    package_source_label: str = ""
    package_bassin: str = ""
    package_created_by: str = ""

    @property
    def is_package(self) -> bool:
        return bool(self.package_source_uuid)


def probe_file(path: Path) -> FileProbe:
    """Ce qu'est ``path`` ; lève ``StoreError`` (message d'une ligne qui nomme le fichier) pour un
    fichier absent, vide, étranger, abîmé ou écrit par une version plus récente."""
    name = path.name
    if not path.exists():
        raise StoreError(f"Fichier introuvable : « {path} ».")
    if not path.is_file():
        raise NotAStoreError(f"« {name} » n'est pas un fichier (dossier ?).")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as err:
        raise StoreError(f"« {name} » ne peut pas être lu ({err.strerror}).") from None
    if not head:
        raise StoreCorruptError(
            f"« {name} » est vide (0 octet) : ce n'est pas une base utilisable."
        )
    if head != SQLITE_MAGIC:
        raise NotAStoreError(
            f"« {name} » n'est ni une base roadmap-app ni un paquet d'atelier (fichier d'un autre type)."
        )
    try:
        return _read(path)
    except sqlite3.DatabaseError as err:
        raise StoreCorruptError(
            f"« {name} » est endommagé et ne peut pas être lu ({err})."
        ) from None


def _read(path: Path) -> FileProbe:
    name = path.name
    wal = path.with_name(path.name + "-wal")
    # Journal WAL présent (base ouverte ailleurs) : lecture seule ordinaire, qui le lit ; sinon
    # « immuable » : SQLite ne crée ni journal ni fichier -shm à côté.
    mode = "mode=ro" if wal.exists() else "immutable=1"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables or "store_info" not in tables:
            raise NotAStoreError(
                f"« {name} » est une base SQLite, mais ni une base roadmap-app ni un paquet d'atelier."
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = "" if row is None else str(row[0])
        if revision not in REVISIONS:
            raise StoreTooNewError(
                f"« {name} » a été écrit par une version plus récente de roadmap-app (schéma {revision}, "
                f"celle-ci connaît jusqu'au {HEAD}) : mettez l'application à jour."
            )
        row = conn.execute("SELECT store_uuid FROM store_info").fetchone()
        probe = FileProbe(path, revision, "" if row is None else str(row[0]))
        if "workshop_package" in tables:
            pkg = conn.execute(
                "SELECT source_store_uuid, source_label, bassin_code, created_by FROM workshop_package"
            ).fetchone()
            if pkg is not None:
                return FileProbe(path, revision, probe.store_uuid, *(str(v) for v in pkg))
        return probe
    finally:
        conn.close()
