"""Ouverture d'une base : création + jeu initial, contrôle de version, migration après copie.

Alembic n'est importé que si la base doit être créée ou migrée : une base à jour s'ouvre sans lui.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlmodel import Session

from db.connection_errors import describe as describe_connection_error
from db.connection_errors import is_connection_error, unavailable
from db.errors import (
    NotAStoreError,
    StoreCorruptError,
    StoreError,
    StoreReadOnlyError,
    StoreTooNewError,
)
from db.integrity import RESTORE_HINT, IntegrityCheck, damaged_message
from db.schema import HEAD, REVISIONS, current_revision, has_user_tables
from db.store import Store, is_read_only_error, open_sqlite_readonly, read_only_cause
from resources import locate

Seeder = Callable[[Session], None]
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class PrepareResult:
    created: bool = False
    migrated_from: str | None = None
    backup: Path | None = None
    #: vérification d'intégrité encore en cours (``prepare_store(check_later=True)``)
    check: IntegrityCheck | None = field(default=None, compare=False, repr=False)

    def failure(self) -> StoreCorruptError | None:
        """Attend la vérification d'intégrité en cours, s'il y en a une ; l'erreur à montrer si
        la base est endommagée, sinon ``None``."""
        return None if self.check is None else self.check.failure()

    def confirm(self) -> None:
        """Comme ``failure``, mais lève l'erreur."""
        error = self.failure()
        if error is not None:
            raise error


def backup_sqlite(source: Path, dest: Path) -> Path:
    """Copie cohérente d'une base SQLite (API de sauvegarde en ligne), même si elle est ouverte.

    La copie s'écrit à côté (``….part``) puis prend sa place : un échec ne laisse rien derrière
    lui. ``dest`` ne peut pas être un dossier ni une base ouverte par un programme roadmap-app."""
    from db.lock import refuse_if_in_use

    if dest.is_dir():
        raise StoreError(
            f"« {dest} » est un dossier : indiquez le nom du fichier de sauvegarde à écrire "
            f"(par exemple « {dest / (source.stem + '-copie.sqlite3')} »). Rien n'a été écrit."
        )
    refuse_if_in_use(dest, "la remplacer par une copie")
    tmp = dest.with_name(dest.name + ".part")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        src = open_sqlite_readonly(source)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, dest)
    except (OSError, sqlite3.Error) as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        detail = getattr(err, "strerror", None) or str(err)
        raise StoreError(
            f"Copie de la base vers « {dest} » impossible ({detail}). Rien n'a été écrit."
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return dest


def migration_backup_path(path: Path, revision: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(
        f"{path.stem}.avant-migration-{revision}-{stamp}{path.suffix or '.sqlite3'}"
    )


def check_sqlite_file(path: Path) -> None:
    """Refuse un fichier qui n'est pas une base SQLite, avec un message clair."""
    if path.is_dir():
        raise NotAStoreError(
            f"« {path} » est un dossier, pas une base : indiquez le fichier de la base "
            f"(par exemple « {path / 'roadmap.sqlite3'} »)."
        )
    if not path.exists():
        return
    try:
        if path.stat().st_size == 0:
            raise StoreCorruptError(
                f"La base « {path} » est vide (0 octet) : elle a été tronquée. Elle n'a pas été "
                f"modifiée ; {RESTORE_HINT}."
            )
        with path.open("rb") as fh:
            head = fh.read(16)
    except PermissionError:
        raise StoreError(
            f"La base « {path} » ne peut pas être lue : droits insuffisants sur le fichier."
        ) from None
    if head != SQLITE_MAGIC:
        raise NotAStoreError(
            f"Le fichier « {path} » n'est pas une base roadmap-app (ce n'est pas une base SQLite)."
        )


def _unreadable(store: Store, err: BaseException) -> StoreError:
    """Erreur d'ouverture d'une base SQLite : droits (lecture seule, dossier interdit) ou fichier
    endommagé. Seul ce dernier cas conseille une restauration."""
    orig = getattr(err, "orig", None) or err
    text = str(orig).lower()
    if is_read_only_error(err) or "readonly" in text:
        return StoreReadOnlyError(
            f"La base « {store.display_name} » est en lecture seule (fichier ou dossier sans droit "
            "d'écriture) et doit être préparée avant d'être lue : ouvrez-la une fois avec un compte "
            "qui peut y écrire. Elle n'a pas été modifiée."
        )
    if "unable to open" in text:
        return StoreError(
            f"La base « {store.display_name} » ne peut pas être ouverte (dossier inaccessible ou "
            "droits insuffisants). Elle n'a pas été modifiée."
        )
    detail = type(orig).__name__ if isinstance(err, UnicodeDecodeError | sqlite3.Error) else orig
    return StoreCorruptError(
        f"La base « {store.display_name} » est endommagée et ne peut pas être lue ({detail}). "
        f"Elle n'a pas été modifiée : {RESTORE_HINT}."
    )


def _alembic_config(conn: Connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(locate("db", "migrations")))
    cfg.attributes["connection"] = conn
    return cfg


def _upgrade(conn: Connection, target: str = "head") -> None:
    from alembic import command

    command.upgrade(_alembic_config(conn), target)


def prepare_store(
    store: Store, seeder: Seeder | None = None, *, create: bool = True, check_later: bool = False
) -> PrepareResult:
    """Rend la base utilisable : création et jeu initial, ou migration (après copie), ou refus.

    Lève ``StoreError`` (message en français) si la base est plus récente, endommagée ou étrangère.
    ``check_later`` : une base SQLite à jour est vérifiée (``quick_check``) dans un fil ; l'appelant
    n'écrit rien et ne montre rien avant ``PrepareResult.failure()`` (ou ``confirm()``). Une base à migrer est
    toujours vérifiée avant.
    """
    path = store.path
    if path is not None:
        if not path.exists() and not create:
            raise StoreError(f"La base « {path} » n'existe pas.")
        check_sqlite_file(path)
        if not path.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise StoreError(
                    f"Impossible de créer la base « {path} » : le dossier ne peut pas être créé "
                    f"({err.strerror or err})."
                ) from None
    deferred = False
    try:
        with store.engine.connect() as conn:
            revision = current_revision(conn)
            populated = has_user_tables(conn)
            if conn.dialect.name == "sqlite" and populated:
                deferred = check_later and revision == HEAD and path is not None
                if not deferred:
                    check = conn.exec_driver_sql("PRAGMA quick_check").scalar()
                    if check != "ok":
                        raise StoreCorruptError(damaged_message(store.display_name, str(check)))
    except sa_exc.OperationalError as err:
        if store.backend != "sqlite":
            raise unavailable(store.url, err) from err
        raise _unreadable(store, err) from err
    except sa_exc.DatabaseError as err:
        if store.backend != "sqlite":
            raise StoreError(describe_connection_error(store.url, err)) from err
        raise _unreadable(store, err) from err
    # octets invalides jusque dans les messages de SQLite
    except (UnicodeDecodeError, sqlite3.Error) as err:
        raise _unreadable(store, err) from err

    if revision == HEAD:
        if deferred:
            assert path is not None
            return PrepareResult(
                check=IntegrityCheck(path, store.display_name, read_only=bool(store.read_only))
            )
        return PrepareResult()
    if revision is None and populated:
        raise NotAStoreError(
            f"La base « {store.display_name} » contient des tables mais n'est pas une base roadmap-app."
        )
    if revision is not None and revision not in REVISIONS:
        raise StoreTooNewError(
            f"La base « {store.display_name} » a été écrite par une version plus récente de roadmap-app "
            f"(schéma {revision}, cette version connaît jusqu'au schéma {HEAD}). "
            "Mettez l'application à jour ; la base n'a pas été modifiée."
        )
    if store.read_only:
        doing = "créée" if revision is None else f"mise à jour (schéma {revision} → {HEAD})"
        raise StoreReadOnlyError(
            f"La base « {store.display_name} » doit être {doing}, mais elle est ouverte en lecture "
            f"seule ({store.read_only}). Elle n'a pas été modifiée."
        )
    try:
        if revision is None:
            _create(store, seeder)
            return PrepareResult(created=True)
        backup = None
        if path is not None:
            backup = backup_sqlite(path, migration_backup_path(path, revision))
        _migrate(store)
    except sa_exc.DBAPIError as err:
        if is_read_only_error(err):
            what = "créer les tables" if revision is None else "mettre à jour le schéma"
            raise StoreReadOnlyError(
                f"Impossible de {what} de la base « {store.display_name} » : "
                f"{read_only_cause(store.backend)} (il faut le droit de créer des tables). "
                "Elle n'a pas été modifiée."
            ) from err
        if store.backend != "sqlite" and is_connection_error(err):
            raise unavailable(store.url, err) from err
        raise
    return PrepareResult(migrated_from=revision, backup=backup)


def _create(store: Store, seeder: Seeder | None) -> None:
    with store.engine.connect() as conn:
        _foreign_keys(conn, on=False)
        with conn.begin():
            _upgrade(conn)
            if seeder is not None:
                with Session(bind=conn) as session:
                    seeder(session)
                    session.flush()
        _foreign_keys(conn, on=True)


def _migrate(store: Store) -> None:
    with store.engine.connect() as conn:
        _foreign_keys(conn, on=False)
        with conn.begin():
            _upgrade(conn)
            if conn.dialect.name == "sqlite":
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise StoreCorruptError(
                        f"La migration laisserait {len(problems)} référence(s) cassée(s) ; "
                        "la base n'a pas été modifiée."
                    )
        _foreign_keys(conn, on=True)


def _foreign_keys(conn: Connection, *, on: bool) -> None:
    """SQLite : les migrations « batch » recréent des tables, les clés étrangères sont suspendues."""
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
