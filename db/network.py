"""Une base SQLite sur un partage réseau (SMB/CIFS, NFS…) : refusée.

Le mode WAL de SQLite repose sur une mémoire partagée entre les programmes d'un même poste
(fichier ``-shm``) et sur des verrous que les partages réseau ne garantissent pas : deux postes
qui écrivent dans la même base sur un partage peuvent la corrompre. Pour travailler à plusieurs,
l'application propose une base partagée PostgreSQL (README, « Base partagée »).

Détection : sous Linux, le type du système de fichiers qui porte le dossier (``/proc/mounts``) ;
sous Windows, un chemin UNC (``\\\\serveur\\partage``) ou un lecteur réseau (``GetDriveTypeW``).
``ROADMAP_APP_NETWORK_STORE=1`` lève le refus, à ses risques (un seul poste à la fois).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from db.errors import StoreError

ALLOW_ENV = "ROADMAP_APP_NETWORK_STORE"
MOUNTS = Path("/proc/mounts")
NETWORK_FS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs",
        "fuse.sshfs", "fuse.glusterfs", "fuse.davfs", "davfs", "fuse.s3fs", "fuse.rclone",
        "lustre", "gpfs", "ocfs2",
    }
)  # fmt: skip


class NetworkStoreError(StoreError):
    """La base SQLite est sur un partage réseau : refusée (rien n'a été ouvert)."""


def _unescape(field: str) -> str:
    # /proc/mounts échappe espaces, tabulations, retours et barres obliques inverses en octal
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def _linux_fs_type(folder: Path) -> str | None:
    try:
        lines = MOUNTS.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = str(folder)
    best, best_len = None, -1
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount, fstype = _unescape(parts[1]), parts[2]
        inside = target == mount or target.startswith(mount.rstrip("/") + "/") or mount == "/"
        if inside and len(mount) > best_len:
            best, best_len = fstype, len(mount)
    return best


def _windows_remote(folder: Path) -> str | None:  # pragma: no cover - Windows
    text = str(folder)
    if text.startswith("\\\\") and not text.startswith("\\\\?\\"):
        return "partage réseau Windows (chemin UNC)"
    import ctypes

    root = os.path.splitdrive(text)[0] + "\\"
    drive_remote = 4
    if ctypes.windll.kernel32.GetDriveTypeW(root) == drive_remote:  # type: ignore[attr-defined]
        return f"lecteur réseau {root}"
    return None


def network_share(path: Path) -> str | None:
    """Description du partage réseau qui porte ``path`` (« partage nfs4 »), ou ``None``."""
    folder = Path(os.path.abspath(path)).parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    folder = folder.resolve()
    if sys.platform == "win32":  # pragma: no cover - Windows
        return _windows_remote(folder)
    fstype = _linux_fs_type(folder) if sys.platform.startswith("linux") else None
    if fstype is not None and fstype.lower() in NETWORK_FS:
        return f"partage réseau ({fstype})"
    return None


def refuse_network_share(path: Path) -> None:
    """``NetworkStoreError`` si la base ``path`` est sur un partage réseau (sauf dérogation)."""
    if os.environ.get(ALLOW_ENV, "").strip() == "1":
        return
    where = network_share(path)
    if where is not None:
        raise NetworkStoreError(
            f"La base « {path} » est sur un {where} : une base SQLite n'y est pas fiable (deux postes "
            "qui écrivent en même temps peuvent l'endommager). Pour travailler à plusieurs, utilisez "
            "la base partagée PostgreSQL (README, « Base partagée ») ; pour un seul poste, gardez la "
            f"base sur le disque local. ({ALLOW_ENV}=1 passe outre, à vos risques.)"
        )
