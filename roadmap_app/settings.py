"""Préférences de l'utilisateur qui servent aussi à la CLI (nom d'auteur du journal)."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

from roadmap_app.paths import config_dir

AUTHOR_ENV = "ROADMAP_APP_AUTHOR"
SETTINGS_FILE = "settings.json"


def _settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def _load() -> dict[str, object]:
    try:
        data = json.loads(_settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - dépend du système
        return "utilisateur"


def author_name() -> str:
    """Nom inscrit au journal : variable d'environnement, puis préférence enregistrée, puis compte système."""
    env = os.environ.get(AUTHOR_ENV, "").strip()
    if env:
        return env
    saved = str(_load().get("author", "")).strip()
    return saved or os_user()


def set_author_name(name: str) -> None:
    data = _load()
    data["author"] = name.strip()
    _save(data)


def _save(data: dict[str, object]) -> None:
    path = _settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.chmod(tmp, 0o600)  # peut contenir l'adresse (et le mot de passe) du serveur partagé
    tmp.replace(path)


def saved_store() -> str | None:
    """Base choisie dans les préférences (chemin ou URL, par exemple le serveur de l'équipe)."""
    value = str(_load().get("db", "")).strip()
    return value or None


def set_saved_store(target: str | None) -> None:
    data = _load()
    if target:
        data["db"] = target.strip()
    else:
        data.pop("db", None)
    _save(data)
