"""Sauvegardes de la base SQLite : copies cohérentes (API de sauvegarde en ligne), rotation, restauration.

Les copies d'une base ``…/roadmap.sqlite3`` vont dans ``…/sauvegardes/`` (à côté d'elle) sous la
forme ``roadmap-<type>-AAAAMMJJ-HHMMSS.sqlite3``. Types : ``auto`` (quotidienne, à la fermeture),
``manuelle``, ``avant-restauration`` ; les copies faites avant une migration restent à côté de la
base (``roadmap.avant-migration-…``). Seules les copies automatiques sont supprimées par la
rotation (les ``KEEP_AUTO`` plus récentes sont gardées).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from db.errors import NotAStoreError, StoreCorruptError, StoreError, StoreTooNewError
from db.lock import StoreUsage, replacing
from db.migrate import SQLITE_MAGIC, backup_sqlite
from db.schema import REVISIONS
from db.store import open_sqlite_readonly

KEEP_AUTO = 10
DAILY = timedelta(hours=24)
_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<kind>auto|manuelle|avant-restauration)-(?P<ts>\d{8}-\d{6})(?:-\d+)?\.sqlite3$"
)
_MIGRATION = re.compile(
    r"^(?P<stem>.+)\.avant-migration-(?P<rev>[^-]+)-(?P<ts>\d{8}-\d{6})\.sqlite3$"
)
KIND_LABELS = {
    "auto": "automatique",
    "manuelle": "manuelle",
    "avant-restauration": "avant restauration",
    "migration": "avant migration",
}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str
    created: datetime
    size: int

    @property
    def label(self) -> str:
        return f"{self.created:%d/%m/%Y %H:%M} — {KIND_LABELS.get(self.kind, self.kind)} — {self.size / 1024:,.0f} Kio".replace(
            ",", "\u202f"
        )


def backup_dir(store_path: Path) -> Path:
    return store_path.parent / "sauvegardes"


def _unique(path: Path) -> Path:
    if not path.exists():
        return path
    for i in range(1, 1000):
        candidate = path.with_name(f"{path.stem}-{i}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise StoreError(f"Trop de sauvegardes portant le même nom : {path}")


def make_backup(
    store_path: Path,
    kind: str = "manuelle",
    destination: Path | None = None,
    now: datetime | None = None,
) -> Path:
    """Copie cohérente de la base (même ouverte par l'application) ; renvoie le fichier écrit."""
    if not store_path.exists():
        raise StoreError(f"La base « {store_path} » n'existe pas : rien à sauvegarder.")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    dest = destination or _unique(
        backup_dir(store_path) / f"{store_path.stem}-{kind}-{stamp}.sqlite3"
    )
    backup_sqlite(store_path, dest)
    if kind == "auto":
        rotate(store_path)
    return dest


def list_backups(store_path: Path) -> list[BackupInfo]:
    """Les sauvegardes de cette base, la plus récente d'abord."""
    found: list[BackupInfo] = []
    candidates = (
        list(backup_dir(store_path).glob("*.sqlite3")) if backup_dir(store_path).is_dir() else []
    )
    # motif générique (le nom peut contenir « [ », « ? », « * ») : la regex vérifie le nom exact
    candidates += list(store_path.parent.glob("*.avant-migration-*.sqlite3"))
    for p in candidates:
        m = _NAME.match(p.name)
        kind = m["kind"] if m and m["stem"] == store_path.stem else None
        if m is None:
            mm = _MIGRATION.match(p.name)
            if mm is None or mm["stem"] != store_path.stem:
                continue
            kind, ts = "migration", mm["ts"]
        else:
            ts = m["ts"]
        if kind is None:
            continue
        try:
            created = datetime.strptime(ts, "%Y%m%d-%H%M%S")
        except ValueError:
            continue
        found.append(BackupInfo(p, kind, created, p.stat().st_size))
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def rotate(store_path: Path, keep: int = KEEP_AUTO) -> list[Path]:
    autos = [b for b in list_backups(store_path) if b.kind == "auto"]
    removed = []
    for old in autos[keep:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def needs_daily_backup(store_path: Path, now: datetime | None = None) -> bool:
    autos = [b for b in list_backups(store_path) if b.kind == "auto"]
    return not autos or (now or datetime.now()) - autos[0].created >= DAILY


def check_store_file(path: Path, *, full: bool = False) -> str:
    """Vérifie qu'un fichier est une base roadmap-app lisible et d'une version connue ; renvoie sa révision.

    Lève ``NotAStoreError`` / ``StoreCorruptError`` / ``StoreTooNewError`` avec un message français.
    """
    if not path.is_file() or path.stat().st_size == 0:
        raise NotAStoreError(f"« {path} » est vide ou introuvable.")
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise NotAStoreError(
                f"« {path.name} » n'est pas une base roadmap-app (ce n'est pas une base SQLite)."
            )
    try:
        conn = open_sqlite_readonly(path)
        try:
            check = conn.execute(
                "PRAGMA integrity_check" if full else "PRAGMA quick_check"
            ).fetchone()[0]
            if check != "ok":
                raise StoreCorruptError(f"« {path.name} » est endommagée ({check}).")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        if "no such table" in str(err):
            raise NotAStoreError(f"« {path.name} » n'est pas une base roadmap-app.") from None
        raise StoreCorruptError(f"« {path.name} » est endommagée ou illisible ({err}).") from None
    if row is None:
        raise NotAStoreError(
            f"« {path.name} » n'est pas une base roadmap-app (version de schéma absente)."
        )
    revision = str(row[0])
    if revision not in REVISIONS:
        raise StoreTooNewError(
            f"« {path.name} » vient d'une version plus récente de roadmap-app (schéma {revision}) : "
            "mettez l'application à jour avant de la restaurer."
        )
    return revision


def latest_good_backup(store_path: Path) -> BackupInfo | None:
    for b in list_backups(store_path):
        try:
            check_store_file(b.path)
        except StoreError:
            continue
        return b
    return None


def set_aside(store_path: Path, now: datetime | None = None) -> Path:
    """Met la base endommagée de côté (jamais réparée ni écrasée) ; renvoie son nouveau nom."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    aside = _unique(
        store_path.with_name(f"{store_path.stem}.endommagee-{stamp}{store_path.suffix}")
    )
    os.replace(store_path, aside)
    for extra in ("-wal", "-shm"):
        side = Path(f"{store_path}{extra}")
        if side.exists():
            os.replace(side, Path(f"{aside}{extra}"))
    return aside


def restore_backup(
    store_path: Path,
    source: Path,
    *,
    damaged: bool = False,
    now: datetime | None = None,
    own: StoreUsage | None = None,
) -> Path | None:
    """Remplace la base par la sauvegarde ``source`` (vérifiée d'abord). Renvoie la copie de
    sécurité de la base remplacée (ou le fichier endommagé mis de côté si ``damaged``).

    Personne d'autre ne doit avoir la base ouverte (``db.lock.replacing`` : sinon
    ``StoreInUseError``, qui dit qui) ; ``own`` est l'inscription de ce programme, qui a fermé ses
    connexions. Rien n'est modifié si la sauvegarde est refusée ou la base utilisée ailleurs."""
    check_store_file(source, full=True)
    with replacing(store_path, "restaurer une sauvegarde", own, damaged=damaged):
        tmp = store_path.with_name(f".{store_path.name}.restauration")
        backup_sqlite(source, tmp)  # d'abord la copie : un échec ici ne touche pas à la base
        kept: Path | None = None
        try:
            if store_path.exists():
                if damaged:
                    kept = set_aside(store_path, now)
                else:
                    kept = make_backup(store_path, "avant-restauration", now=now)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        # la base n'est ouverte nulle part (vérifié ci-dessus) : son journal WAL a été reporté
        # dans le fichier ; ce qui resterait à côté appartient à l'ancienne base
        for extra in ("-wal", "-shm"):
            Path(f"{store_path}{extra}").unlink(missing_ok=True)
        os.replace(tmp, store_path)
    return kept
