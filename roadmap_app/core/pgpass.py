"""Mot de passe du serveur PostgreSQL rangé selon la convention de PostgreSQL : le fichier
``~/.pgpass`` (``%APPDATA%\\postgresql\\pgpass.conf`` sous Windows, ou ``PGPASSFILE``), lisible par
son seul propriétaire, que le pilote lit de lui-même. Jamais dans ``settings.json`` ni sur la
ligne de commande.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL


def pgpass_path() -> Path:
    env = os.environ.get("PGPASSFILE", "").strip()
    if env:
        return Path(env).expanduser()
    if os.name == "nt":  # pragma: no cover - Windows
        return Path(os.environ.get("APPDATA", Path.home())) / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _key(url: URL) -> str:
    return ":".join(
        _escape(str(v))
        for v in (
            url.host or "localhost",
            url.port or 5432,
            url.database or "*",
            url.username or "*",
        )
    )


def remember_password(url: URL, password: str) -> Path:
    """Écrit (ou remplace) la ligne de ce serveur, de cette base et de cet utilisateur ; le
    fichier reste lisible par son seul propriétaire (``0600``, exigé par PostgreSQL)."""
    path = pgpass_path()
    key = _key(url)
    lines: list[str] = []
    if path.exists():
        lines = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith(key + ":")
        ]
    lines.append(f"{key}:{_escape(password)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path
