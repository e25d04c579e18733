"""Politique de sauvegarde : copie manuelle, quotidienne, à la fermeture ; restauration vérifiée."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from db import backup as db_backup
from db.backup import BackupInfo
from db.errors import StoreError
from db.lock import StoreInUseError, StoreUsage
from db.store import Store
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import UserError
from roadmap_app.core.limits import MAX_STORE_BYTES, check_file_size
from roadmap_app.core.paths import data_dir


def _sqlite_file(store: Store) -> Path | None:
    return store.path


def backup_now(ctx: AppContext, destination: Path | None = None, kind: str = "manuelle") -> Path:
    """Sauvegarde cohérente de la base ouverte. Une base PostgreSQL est copiée dans un fichier SQLite."""
    path = _sqlite_file(ctx.store)
    if path is not None:
        return db_backup.make_backup(path, kind, destination)
    from db.copy import copy_store

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    name = (ctx.store.display_name.rsplit("/", 1)[-1] or "base").replace(":", "_")
    dest = destination or data_dir() / "sauvegardes" / f"{name}-{kind}-{stamp}.sqlite3"
    if dest.exists():
        raise UserError(f"Le fichier « {dest} » existe déjà : choisissez un autre nom.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    target = Store(dest)
    try:
        copy_store(ctx.store, target)
    except BaseException:
        target.dispose()
        dest.unlink(missing_ok=True)
        raise
    target.dispose()
    return dest


def list_store_backups(ctx: AppContext) -> list[BackupInfo]:
    path = _sqlite_file(ctx.store)
    return [] if path is None else db_backup.list_backups(path)


def auto_backup_if_due(ctx: AppContext, now: datetime | None = None) -> Path | None:
    """Copie automatique si la dernière a plus d'un jour (base SQLite seulement)."""
    path = _sqlite_file(ctx.store)
    if path is None or not path.exists() or not db_backup.needs_daily_backup(path, now):
        return None
    return db_backup.make_backup(path, "auto", now=now)


def backup_on_close(ctx: AppContext) -> Path | None:
    path = _sqlite_file(ctx.store)
    if path is None or not path.exists():
        return None
    return db_backup.make_backup(path, "auto")


def restore_file(
    store_path: Path, source: Path, *, damaged: bool = False, own: StoreUsage | None = None
) -> Path | None:
    """Remplace la base (fichier) par une sauvegarde vérifiée ; la base actuelle est gardée à côté.

    Refusé (``StoreInUseError``, qui nomme qui) si un autre programme a la base ouverte ;
    ``own`` : l'inscription de ce programme, dont les connexions doivent être fermées.
    """
    if not source.is_file():
        raise UserError(f"Sauvegarde introuvable : « {source} ».")
    if source.resolve() == store_path.resolve():
        raise UserError("Cette sauvegarde est la base elle-même : choisissez une copie.")
    check_file_size(source, MAX_STORE_BYTES, "une sauvegarde")
    try:
        return db_backup.restore_backup(store_path, source, damaged=damaged, own=own)
    except StoreInUseError:
        raise
    except StoreError as err:
        raise UserError(f"Restauration refusée, la base n'a pas été modifiée : {err}") from None


def restore_store(ctx: AppContext, source: Path) -> Path | None:
    """Remplace la base ouverte (fichier SQLite) par la sauvegarde ``source``, puis la rouvre.

    La base est rouverte (et une sauvegarde ancienne mise à niveau) même si la restauration est
    refusée ; dans les deux cas l'historique « Annuler » de la session est oublié et toutes les
    vues sont à relire (``ops.RESTORED``). Renvoie la copie de l'ancienne base ; lève
    ``UserError`` / ``StoreError`` si la restauration est refusée.
    """
    from db.migrate import prepare_store
    from roadmap_app.core import ops
    from roadmap_app.core.context import seed_store

    path = ctx.store.path
    if path is None:
        raise UserError("Seule une base SQLite (fichier) se restaure depuis une sauvegarde.")
    ctx.store.dispose()  # ses connexions fermées ; son inscription (ctx.usage) reste
    try:
        return restore_file(path, source, own=ctx.usage)
    finally:
        ctx.store = Store(path, read_only=ctx.store.read_only)
        prepare_store(ctx.store, seed_store)
        ops.forget_history(ctx)
