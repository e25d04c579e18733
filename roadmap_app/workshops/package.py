"""Paquet d'atelier : une base SQLite autonome, ouverte telle quelle sur un portable sans réseau.

Le paquet contient toute la base au moment de l'export, plus une ligne ``workshop_package`` :
base d'origine, état de départ des champs fusionnables et empreinte. ``roadmap-app --db PAQUET``
travaille dessus comme sur n'importe quelle base.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import select

from db.copy import copy_store
from db.errors import NotAStoreError, StoreCorruptError, StoreError, StoreTooNewError
from db.migrate import check_sqlite_file
from db.models import WorkshopPackage
from db.schema import HEAD
from db.store import Store
from db.types import utcnow
from roadmap_app import __version__
from roadmap_app.core.context import AppContext, open_context
from roadmap_app.core.errors import UserError
from roadmap_app.core.files import atomic_output
from roadmap_app.core.limits import MAX_STORE_BYTES, check_file_size, decompress
from roadmap_app.core.progress import Progress
from roadmap_app.plan.read import find_bassin, load_plan
from roadmap_app.workshops.ateliers import AtelierInfo, create_atelier, get_atelier
from roadmap_app.workshops.state import (
    SERIES,
    canonical,
    digest,
    max_journal_id,
    mergeable_state,
    store_uuid,
)

#: Extension des paquets d'atelier : propre à l'application (une extension .sqlite3 ne pourrait
#: être associée à roadmap-app sans lui donner toutes les bases SQLite de l'ordinateur). Le contenu
#: fait foi : un paquet est reconnu quel que soit son nom, ceux d'avant (« .atelier.sqlite3 ») aussi.
PACKAGE_SUFFIX = ".atelier"
#: Filtre des dialogues de fichiers : paquets d'aujourd'hui et d'avant.
PACKAGE_PATTERNS = ("*.atelier", "*.atelier.sqlite3")


class PackageError(UserError):
    """Paquet refusé (autre base, altéré, endommagé, plus récent) ; rien n'a été écrit."""


@dataclass(frozen=True)
class PackageInfo:
    package_uuid: str
    source_store_uuid: str
    source_label: str
    bassin_code: str
    atelier_id: int
    created_at: datetime
    created_by: str
    app_version: str
    schema_revision: str
    base_journal_id: int
    base_values: dict[str, Any]
    #: identifiants des lignes au départ : vide dans les paquets écrits depuis les séries
    base_ids: dict[str, list[Any]]
    #: valeurs d'indicateurs au départ, par série (``state.SERIES``) ; ``None`` pour un paquet
    #: d'avant les séries, qui les porte clé par clé dans ``base_values``
    base_series: dict[str, list[Any]] | None = None


def _meta(row: WorkshopPackage) -> bytes:
    return canonical(
        {
            "package_uuid": row.package_uuid,
            "source_store_uuid": row.source_store_uuid,
            "bassin_code": row.bassin_code,
            "atelier_id": row.atelier_id,
            "created_at": row.created_at.isoformat(),
            "created_by": row.created_by,
            "app_version": row.app_version,
            "schema_revision": row.schema_revision,
            "base_journal_id": row.base_journal_id,
        }
    )


def state_digest(row: WorkshopPackage) -> str:
    """Empreinte des métadonnées et de l'état de départ *compressé* : vérifiée avant de
    décompresser quoi que ce soit."""
    return digest(_meta(row), b"zlib", row.base_state)


def _verified_state(row: WorkshopPackage, name: str) -> bytes:
    """État de départ décompressé, après vérification de l'empreinte ; la décompression est
    plafonnée (``roadmap_app.core.limits``). Les paquets écrits avant l'empreinte du compressé
    (empreinte de l'état décompressé) sont vérifiés après une décompression plafonnée."""
    verified = row.checksum == state_digest(row)
    try:
        raw = decompress(row.base_state, f"Le paquet « {name} »")
    except zlib.error:
        raw = None
    if raw is None or not (verified or digest(_meta(row), raw) == row.checksum):
        raise PackageError(
            f"Le paquet « {name} » a été altéré ou endommagé (empreinte incorrecte) : fusion refusée."
        )
    return raw


def export_package(
    ctx: AppContext,
    destination: str | Path,
    bassin: str | int,
    *,
    atelier_id: int | None = None,
    day: date | None = None,
    place: str = "",
    participants: str = "",
    progress: Progress | None = None,
) -> tuple[Path, AtelierInfo]:
    """Écrit le paquet d'un atelier (créé s'il n'est pas donné) pour le bassin ``bassin``."""
    if package_info_of(ctx) is not None:
        raise PackageError(
            "La base ouverte est déjà un paquet d'atelier : exportez le paquet depuis la base principale."
        )
    plan = load_plan(ctx)
    ref = find_bassin(plan.bassins, bassin)
    if atelier_id is None:
        atelier = create_atelier(
            ctx, ref.id, day or ctx.today(), place=place, participants=participants
        )
    else:
        atelier = get_atelier(ctx, atelier_id)
    dest = Path(destination)
    with ctx.store.session() as s:
        base = mergeable_state(s)
        base_journal = max_journal_id(s)
        source_uuid = store_uuid(s)
    with atomic_output(dest) as tmp:
        tmp.unlink()  # copy_store veut une base neuve
        target = Store(tmp)
        try:
            copy_store(ctx.store, target, progress)
            # sans les identifiants des lignes (95 000 à 100×, jamais relus : la fusion écrit
            # d'après ceux de la base) ; la clé reste pour les versions qui la lisent
            raw = canonical({**base, "ids": {}})
            row = WorkshopPackage(
                package_uuid=str(uuid.uuid4()),
                source_store_uuid=source_uuid,
                source_label=ctx.store.display_name,
                bassin_code=ref.code,
                atelier_id=atelier.id,
                created_at=utcnow().replace(microsecond=0),
                created_by=ctx.author,
                app_version=__version__,
                schema_revision=HEAD,
                base_journal_id=base_journal,
                base_state=zlib.compress(raw, 6),
                checksum="",
            )
            row.checksum = state_digest(row)
            with target.transaction() as ts:
                ts.add(row)
            with target.connection() as conn:  # un seul fichier, sans journal WAL à côté
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            target.dispose()
        for extra in (Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            extra.unlink(missing_ok=True)
    return dest, atelier


@contextmanager
def opened_package(path: str | Path) -> Iterator[tuple[PackageInfo, AppContext]]:
    """Ouvre une copie du paquet (le fichier reçu n'est jamais modifié) et vérifie son empreinte."""
    src = Path(path)
    if not src.is_file():
        raise PackageError(f"Paquet introuvable : « {src} ».")
    check_file_size(src, MAX_STORE_BYTES, "un paquet d'atelier")
    try:
        check_sqlite_file(src)
    except (NotAStoreError, StoreCorruptError):
        raise PackageError(
            f"« {src.name} » n'est pas un paquet d'atelier roadmap-app (fichier d'un autre type)."
        ) from None
    with tempfile.TemporaryDirectory(prefix="roadmap-paquet-") as tmp:
        copy = Path(tmp) / "paquet.sqlite3"
        shutil.copyfile(src, copy)
        try:
            pkg_ctx = open_context(copy, author="paquet")
        except StoreTooNewError:
            raise PackageError(
                f"Le paquet « {src.name} » vient d'une version plus récente de roadmap-app : mettez l'application "
                "à jour avant de le fusionner. Rien n'a été écrit."
            ) from None
        except (StoreCorruptError, NotAStoreError, StoreError) as err:
            raise PackageError(
                f"Le paquet « {src.name} » est endommagé ou illisible : {err}"
            ) from None
        try:
            with pkg_ctx.store.session() as s:
                row = s.exec(select(WorkshopPackage)).first()
            if row is None:
                raise PackageError(
                    f"« {src.name} » est une base roadmap-app, pas un paquet d'atelier."
                )
            raw = _verified_state(row, src.name)
            try:
                base = json.loads(raw)
            except ValueError:
                raise PackageError(
                    f"Le paquet « {src.name} » est endommagé (état de départ illisible)."
                ) from None
            series = base.get(SERIES)
            if series is not None and not (isinstance(series, dict) and all(
                    isinstance(flat, list) and len(flat) % 2 == 0 for flat in series.values())):  # fmt: skip
                raise PackageError(f"Le paquet « {src.name} » est endommagé (état de départ illisible).")
            info = PackageInfo(
                row.package_uuid, row.source_store_uuid, row.source_label, row.bassin_code, row.atelier_id,
                row.created_at, row.created_by, row.app_version, row.schema_revision, row.base_journal_id,
                base["values"], base.get("ids") or {}, series,
            )  # fmt: skip
            yield info, pkg_ctx
        finally:
            pkg_ctx.close()


def package_info_of(ctx: AppContext) -> PackageInfo | None:
    """Si la base ouverte est un paquet d'atelier, ses métadonnées (pour l'afficher)."""
    with ctx.store.session() as s:
        row = s.exec(select(WorkshopPackage)).first()
    if row is None:
        return None
    return PackageInfo(
        row.package_uuid, row.source_store_uuid, row.source_label, row.bassin_code, row.atelier_id, row.created_at,
        row.created_by, row.app_version, row.schema_revision, row.base_journal_id, {}, {},
    )  # fmt: skip
