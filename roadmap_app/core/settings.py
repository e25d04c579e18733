"""Préférences de l'utilisateur qui servent aussi à la CLI (nom d'auteur du journal)."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

from roadmap_app.core.paths import config_dir

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
    os.chmod(tmp, 0o600)  # l'adresse du serveur partagé (jamais son mot de passe)
    tmp.replace(path)


def url_password_refusal(where: str) -> str:
    return (
        f"N'écrivez pas le mot de passe dans l'adresse de la base ({where}) : il resterait visible "
        "(historique du terminal, liste des programmes en cours). Mettez-le dans le fichier "
        "~/.pgpass (ou celui de PGPASSFILE), utilisez un service PostgreSQL (PGSERVICE), ou "
        "laissez roadmap-app le demander. Voir le README, « Base partagée »."
    )


def _without_password(target: str) -> str:
    """Adresse sans mot de passe ; celui-ci est rangé dans ~/.pgpass (convention de PostgreSQL)."""
    if "://" not in target:
        return target
    from sqlalchemy.engine import make_url

    try:
        url = make_url(target)
    except Exception:
        return target
    if url.password is None:
        return target
    from roadmap_app.core.pgpass import remember_password

    remember_password(url, str(url.password))
    return url._replace(password=None).render_as_string(hide_password=False)


def saved_store() -> str | None:
    """Base choisie dans les préférences (chemin ou URL, par exemple le serveur de l'équipe).

    Un mot de passe trouvé dans l'adresse (écrit par une version précédente) est déplacé dans
    ~/.pgpass et retiré des préférences."""
    value = str(_load().get("db", "")).strip()
    if not value:
        return None
    clean = _without_password(value)
    if clean != value:
        set_saved_store(clean)
    return clean


def set_saved_store(target: str | None) -> None:
    """Enregistre la base choisie ; un mot de passe dans l'adresse va dans ~/.pgpass, jamais
    dans les préférences."""
    data = _load()
    if target:
        data["db"] = _without_password(target.strip())
    else:
        data.pop("db", None)
    _save(data)
